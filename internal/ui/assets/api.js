// Talking to /graphql, and saying what went wrong in plain words.

export class ApiError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

// gql posts one query with the bearer token and returns its data, or
// throws an ApiError carrying the first error's extensions.code.
export async function gql(query, variables, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let resp;
  try {
    resp = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }), credentials: 'omit' });
  } catch (e) {
    throw new ApiError('NETWORK', String(e));
  }
  let body = null;
  try {
    body = await resp.json();
  } catch (e) {
    body = null;
  }
  if (body && Array.isArray(body.errors) && body.errors.length > 0) {
    const first = body.errors[0];
    const code = (first.extensions && first.extensions.code) || (resp.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL');
    throw new ApiError(code, first.message);
  }
  if (!resp.ok || !body) {
    if (resp.status === 401) throw new ApiError('UNAUTHENTICATED');
    if (resp.status === 403) throw new ApiError('FORBIDDEN');
    if (resp.status === 503) throw new ApiError('UNAVAILABLE');
    throw new ApiError('INTERNAL', `HTTP ${resp.status}`);
  }
  return body.data;
}

// plainError is what a person reads when something fails: never the
// server's own text, which is written for developers.
export function plainError(err) {
  switch (err && err.code) {
    case 'NOT_FOUND':
      return "You don't have access to this web, or it does not exist.";
    case 'UNAUTHENTICATED':
      return 'Your sign-in was not accepted: the token may have expired or been mistyped. Please sign in again.';
    case 'FORBIDDEN':
      return 'Your account is not allowed to see webs of care.';
    case 'UNAVAILABLE':
      return 'CareWeb is busy or unavailable just now. Please try again in a minute.';
    case 'BAD_USER_INPUT':
      return 'That date could not be used. Please choose another.';
    case 'NETWORK':
      return 'CareWeb could not be reached. Check your connection and try again.';
    default:
      return 'Something went wrong on our side. Please try again; if it keeps happening, tell the person who gave you your sign-in token.';
  }
}
