package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/careweb/careweb/internal/care"
)

// GraphQL error codes (extensions.code). Every error the API returns
// carries one of them.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeUnavailable     = "UNAVAILABLE"
	CodeInternal        = "INTERNAL"
)

var codeOf = map[care.Code]string{
	care.Invalid:         CodeBadUserInput,
	care.NotFound:        CodeNotFound,
	care.Conflict:        CodeConflict,
	care.Unauthenticated: CodeUnauthenticated,
	care.Forbidden:       CodeForbidden,
	care.Unavailable:     CodeUnavailable,
	care.Internal:        CodeInternal,
}

// RequestIDFunc extracts the request id for logs.
type RequestIDFunc func(context.Context) string

// ErrorPresenter translates errors to GraphQL once, here. Domain errors keep
// their code and caller-safe message (and, for bad input, every problem
// with its field path); errors gqlgen raises itself (parse, validation,
// limits) are the caller's mistakes and become BAD_USER_INPUT with the
// original classification in extensions.reason; anything else is INTERNAL:
// logged with the request id, never shown.
func ErrorPresenter(log zerolog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var ce *care.Error
		if errors.As(err, &ce) {
			out := &gqlerror.Error{Message: care.ErrorMessage(ce), Path: graphql.GetPath(ctx)}
			var gerr *gqlerror.Error
			if errors.As(err, &gerr) && gerr.Path != nil {
				out.Path = gerr.Path
			}
			out.Extensions = map[string]any{"code": codeOf[ce.Code]}
			if len(ce.Problems) > 0 {
				out.Extensions["problems"] = ce.Problems
			}
			if ce.Code == care.Internal || ce.Code == care.Unavailable {
				log.Error().Str("request_id", requestID(ctx)).Str("code", string(ce.Code)).
					Str("path", out.Path.String()).Err(ce).Msg("graphql error")
			}
			return out
		}
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Err == nil {
			// gqlgen's own: the request itself is malformed or over a limit.
			out := *gerr
			ext := map[string]any{"code": CodeBadUserInput}
			if c, ok := gerr.Extensions["code"]; ok && c != CodeBadUserInput {
				ext["reason"] = c
			}
			for k, v := range gerr.Extensions {
				if k != "code" {
					ext[k] = v
				}
			}
			out.Extensions = ext
			return &out
		}
		// gqlgen refuses introspection with a plain error: it is the
		// caller's request that is not allowed, not a fault.
		if strings.HasSuffix(err.Error(), "introspection disabled") {
			return &gqlerror.Error{Message: "introspection is disabled on this server", Path: graphql.GetPath(ctx),
				Extensions: map[string]any{"code": CodeForbidden}}
		}
		log.Error().Str("request_id", requestID(ctx)).Str("path", graphql.GetPath(ctx).String()).
			Err(err).Msg("graphql internal error")
		return &gqlerror.Error{
			Message:    "internal error",
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": CodeInternal},
		}
	}
}

// RecoverFunc turns a resolver panic into an INTERNAL error, logged with
// the request id and stack.
func RecoverFunc(log zerolog.Logger, requestID RequestIDFunc) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.Error().Str("request_id", requestID(ctx)).Str("panic", fmt.Sprint(v)).Msg("resolver panic recovered")
		return care.Errorf(care.Internal, "internal error")
	}
}
