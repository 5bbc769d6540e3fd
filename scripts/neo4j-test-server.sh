#!/usr/bin/env bash
# Runs an in-process Neo4j Community 5.26 LTS (internal/store/neo4j/testserver) for the Go
# integration tests, on machines without Docker. Needs Java 17+ and Maven (Maven Central).
#
#   scripts/neo4j-test-server.sh build    build the launcher if pom.xml/sources changed
#   scripts/neo4j-test-server.sh start    build if needed, start in background, print env lines:
#                                           NEO4J_URI=bolt://127.0.0.1:PORT
#                                           NEO4J_USER=neo4j
#                                           NEO4J_PASSWORD=careweb-test-password
#                                         (the only stdout; everything else goes to stderr)
#   scripts/neo4j-test-server.sh stop     stop it (TERM, then KILL) and clean up
#   scripts/neo4j-test-server.sh status   exit 0 and print the env lines if running, else exit 1
#
# Exit codes: 0 ok, 1 failure, 2 usage, 3 java/mvn missing (callers may choose to skip).
#
# Environment (all optional):
#   NEO4J_TEST_PASSWORD       password of user neo4j (default careweb-test-password)
#   NEO4J_TEST_AUTH=false     disable auth (NEO4J_USER/NEO4J_PASSWORD are then printed empty)
#   NEO4J_TEST_PORT           fixed Bolt port (default: a free port)
#   NEO4J_TEST_PAGECACHE      page cache size (default 64m)
#   NEO4J_TEST_JAVA_OPTS      JVM options (default: see DEFAULT_JAVA_OPTS below)
#   NEO4J_TEST_STATE_DIR      pid/log/uri/data dir (default ${TMPDIR:-/tmp}/careweb-neo4j-test)
#   NEO4J_TEST_START_TIMEOUT  seconds to wait for Bolt (default 120)
#   NEO4J_TEST_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 30)
#   JAVA_HOME / MVN           java from $JAVA_HOME/bin if set; maven binary (default mvn)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
PROJ_DIR=$REPO_ROOT/internal/store/neo4j/testserver
STAMP=$PROJ_DIR/target/.careweb-build-stamp

STATE_DIR=${NEO4J_TEST_STATE_DIR:-${TMPDIR:-/tmp}/careweb-neo4j-test}
PID_FILE=$STATE_DIR/server.pid
URI_FILE=$STATE_DIR/bolt-uri
ENV_FILE=$STATE_DIR/env
LOG_FILE=$STATE_DIR/server.log
DATA_TMP=$STATE_DIR/tmp

START_TIMEOUT=${NEO4J_TEST_START_TIMEOUT:-120}
STOP_TIMEOUT=${NEO4J_TEST_STOP_TIMEOUT:-30}

# C1-only JIT + serial GC: ~30% faster start-up and ~50 MB less RSS than the defaults on a
# 2-core box. The --add-opens flags are the ones Neo4j's own launcher passes (page cache
# direct-buffer access; without them Neo4j logs a "fallback mode" warning to debug.log).
DEFAULT_JAVA_OPTS="-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError \
-XX:-OmitStackTraceInFastThrow -Dio.netty.tryReflectionSetAccessible=true \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
JAVA_OPTS=${NEO4J_TEST_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}

MAIN_CLASS=careweb.TestServer

log() { printf 'neo4j-test-server: %s\n' "$*" >&2; }

missing() { # one clear line, exit 3
    log "$* -- Neo4j test server unavailable (needs Java 17+ and Maven)"
    exit 3
}

find_java() {
    if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
        JAVA=$JAVA_HOME/bin/java
    elif command -v java >/dev/null 2>&1; then
        JAVA=$(command -v java)
    else
        missing "java not found"
    fi
    local ver major
    ver=$("$JAVA" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)
    major=${ver%%.*}
    if ! [[ $major =~ ^[0-9]+$ ]] || ((major < 17)); then
        missing "java ${ver:-?} at $JAVA is too old, need 17+"
    fi
}

find_mvn() {
    MVN_BIN=${MVN:-mvn}
    command -v "$MVN_BIN" >/dev/null 2>&1 || missing "mvn not found"
}

needs_build() {
    [[ -f $STAMP && -d $PROJ_DIR/target/lib && -d $PROJ_DIR/target/classes ]] || return 0
    [[ -n $(find "$PROJ_DIR/pom.xml" "$PROJ_DIR/src" -newer "$STAMP" -print -quit) ]]
}

cmd_build() {
    find_java
    if ! needs_build; then
        return 0
    fi
    find_mvn
    log "building $PROJ_DIR (an empty ~/.m2 downloads ~170 MB from Maven Central)"
    # After a pom.xml change (e.g. a neo4j.version bump) old jars would stay on the classpath:
    # start lib/ afresh then. A source-only change keeps lib/ (a running server still uses it).
    if [[ ! -f $STAMP || $PROJ_DIR/pom.xml -nt $STAMP ]]; then
        rm -rf "$PROJ_DIR/target/lib"
    fi
    rm -f "$STAMP"
    # Maven's stdout goes to stderr so `eval "$(... start)"` only sees the env lines.
    if ! JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$JAVA")")")} \
        "$MVN_BIN" -q -B -Dstyle.color=never -f "$PROJ_DIR/pom.xml" package 1>&2; then
        log "maven build failed"
        exit 1
    fi
    touch "$STAMP"
}

# pid of the running server from the pid file, verified to be our java process.
running_pid() {
    [[ -f $PID_FILE ]] || return 1
    local pid
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r /proc/$pid/cmdline ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS"; then
        return 1 # pid was recycled by something else
    fi
    echo "$pid"
}

wait_gone() { # pid timeout_seconds -> 0 if the process exited in time
    local pid=$1 deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        # exited but not yet reaped by init (setsid-detached, so not our child) counts as gone
        [[ $(ps -o stat= -p "$pid" 2>/dev/null) == Z* ]] && return 0
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Plain values stay as they are (usable by eval and by make's include); others get %q.
shell_quote() {
    if [[ $1 =~ ^[A-Za-z0-9@%_+=:,./-]*$ ]]; then printf '%s' "$1"; else printf '%q' "$1"; fi
}

cleanup_files() {
    rm -f "$PID_FILE" "$URI_FILE" "$ENV_FILE"
    rm -rf "$DATA_TMP"
}

cmd_start() {
    local pid
    if pid=$(running_pid) && [[ -s $ENV_FILE ]]; then
        log "already running (pid $pid)"
        cat "$ENV_FILE"
        return 0
    fi
    cmd_build
    [[ -f $PID_FILE ]] && { log "removing stale pid file"; cleanup_files; }
    mkdir -p "$STATE_DIR" "$DATA_TMP"
    rm -f "$URI_FILE" "$ENV_FILE"

    local auth=true user=neo4j password=${NEO4J_TEST_PASSWORD:-careweb-test-password}
    case ${NEO4J_TEST_AUTH:-true} in false | 0 | no | off) auth=false user="" password="" ;; esac

    local detach=()
    command -v setsid >/dev/null 2>&1 && detach=(setsid) # own session: survives the caller's ^C
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of words
    NEO4J_TEST_AUTH=$auth NEO4J_TEST_PASSWORD=$password \
        nohup "${detach[@]}" "$JAVA" $JAVA_OPTS -Djava.io.tmpdir="$DATA_TMP" \
        -cp "$PROJ_DIR/target/classes:$PROJ_DIR/target/lib/*" "$MAIN_CLASS" \
        --no-stdin-watch --uri-file "$URI_FILE" </dev/null >"$LOG_FILE" 2>&1 &
    pid=$!
    echo "$pid" >"$PID_FILE"

    local deadline=$((SECONDS + START_TIMEOUT)) why=""
    while [[ ! -s $URI_FILE ]]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            why="server exited"
            break
        fi
        if ((SECONDS >= deadline)); then
            why="no Bolt URI after ${START_TIMEOUT}s"
            break
        fi
        sleep 0.2
    done
    if [[ -n $why ]]; then
        log "failed to start: $why; last lines of $LOG_FILE:"
        tail -n 40 "$LOG_FILE" >&2 || true
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
        fi
        cleanup_files
        exit 1
    fi

    {
        printf 'NEO4J_URI=%s\n' "$(shell_quote "$(head -n1 "$URI_FILE")")"
        printf 'NEO4J_USER=%s\n' "$(shell_quote "$user")"
        printf 'NEO4J_PASSWORD=%s\n' "$(shell_quote "$password")"
    } >"$ENV_FILE"
    log "started pid $pid, log $LOG_FILE"
    cat "$ENV_FILE"
}

cmd_stop() {
    local pid
    if ! pid=$(running_pid); then
        if [[ -f $PID_FILE ]]; then log "not running (removing stale pid file)"; else log "not running"; fi
        cleanup_files
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
        log "pid $pid still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        if ! wait_gone "$pid" 10; then
            log "pid $pid did not die"
            exit 1
        fi
    fi
    cleanup_files
    log "stopped pid $pid"
}

cmd_status() {
    local pid
    if pid=$(running_pid) && [[ -s $ENV_FILE ]]; then
        log "running (pid $pid)"
        cat "$ENV_FILE"
    else
        log "not running"
        return 1
    fi
}

case ${1:-} in
build) cmd_build ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
    echo "usage: $0 {build|start|stop|status}" >&2
    exit 2
    ;;
esac
