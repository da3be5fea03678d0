#!/usr/bin/env bash
# 50 concurrent commenters posting to a running Masthead for 30 seconds; afterwards every comment that was answered
# with success must be in the database (issue 10). Reports posted, stored, rejected (by status), errors, comments/s.
#
#   flock /tmp/masthead-build.lock bench/comments-write.sh
#   CONCURRENCY=10 SECONDS_=5 flock /tmp/masthead-build.lock bench/comments-write.sh     # a short run
#
# What it does, in order (everything binds to 127.0.0.1 and stops by itself):
#   1. builds Masthead in Release into bench/out/app-comments and the load generator bench/CommentLoad into
#      bench/out/comment-load (SKIP_BUILD=1 reuses both);
#   2. generates a fresh SQLite site (`generate --posts 200 --comments 500`) and picks its newest post;
#   3. starts Masthead with ForwardedHeaders:KnownProxies=127.0.0.1 (so each commenter's X-Forwarded-For address is
#      its own client, as behind nginx) and LIMIT_SETTINGS (the comment rate limit raised for the test);
#   4. posts one comment and refuses to go on unless it was answered with success (a 302/303 back to the post, or
#      a 200) and is in the database: a missing endpoint (404/405) or a refusal stops the script here;
#   5. CONCURRENCY commenters post the comment form (comment, author, email, url, comment_post_ID, comment_parent)
#      to POST /wp-comments-post.php for SECONDS_, each comment with a marker of its own in its text;
#   6. stops Masthead, then looks every comment answered with success up in the database by its marker (and by the
#      #comment-<id> of its redirect, when there is one); writes summary.md and prints it. Any success not stored
#      makes the verdict FAIL and the exit status 1.
# Settings: CONCURRENCY=50 SECONDS_=30 PORT=5087 IDENTITY=per-comment|per-commenter SKIP_BUILD= OUT=bench/out/comments-write-<ts>
#   LIMIT_SETTINGS   server arguments that raise the comment limits for the test; default below. per-comment
#                    (the default) gives every comment its own address, name and e-mail, so the per-client rate
#                    limit and flood control do not apply at all; per-commenter keeps one identity per commenter and
#                    needs LIMIT_SETTINGS to name the real settings.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${OUT:-$BENCH/out/comments-write-$STAMP}"
APP="$BENCH/out/app-comments"
LOAD="$BENCH/out/comment-load"
PORT="${PORT:-5087}"
BASE="http://127.0.0.1:$PORT"
CONCURRENCY="${CONCURRENCY:-50}" SECONDS_="${SECONDS_:-30}" IDENTITY="${IDENTITY:-per-comment}"
# The comment form's rate limit, raised: the setting's name is the comment form's (issue 10), by the pattern of
# Accounts:LoginAttemptsPerMinute; an unknown name is ignored by the host, and the 429 count in the report shows it.
LIMIT_SETTINGS="${LIMIT_SETTINGS:---Comments:PostsPerMinute=1000000}"

log() { printf '[comments-write %s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
log "output: $OUT"

# --- 1. build ----------------------------------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Masthead (Release) and the load generator"
  timeout 900 dotnet build "$REPO/src/Masthead/Masthead.csproj" -c Release -o "$APP" --nologo -v quiet -clp:ErrorsOnly || die "build failed"
  echo "$(git -C "$REPO" rev-parse HEAD)$(git -C "$REPO" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')" > "$APP/bench-version.txt"
  timeout 300 dotnet build "$BENCH/CommentLoad/CommentLoad.csproj" -c Release -o "$LOAD" --nologo -v quiet -clp:ErrorsOnly || die "load generator build failed"
fi
[ -f "$APP/Masthead.dll" ] && [ -f "$LOAD/CommentLoad.dll" ] || die "no build in $APP or $LOAD (unset SKIP_BUILD)"
VERSION="$(cat "$APP/bench-version.txt" 2>/dev/null || echo unknown)"

# --- 2. a fresh site ---------------------------------------------------------------------------------------
DB="$OUT/comments-write.db"
export Database__ConnectionString="Data Source=$DB" ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
(cd "$APP" && timeout 600 dotnet Masthead.dll generate --posts 200 --categories 5 --tags 10 --authors 3 --comments 500) \
  > "$OUT/generate.log" 2>&1 || { cat "$OUT/generate.log"; die "generate failed"; }
tail -1 "$OUT/generate.log"
sql() { python3 - "$DB" "$@"; }
POST_ID="$(sql <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("select Id from Posts where Type = 'post' and Status = 'publish' and CommentStatus = 'open' "
                 "order by PublishedAtUtc desc limit 1").fetchone()[0])
PY
)"

# --- 3. start Masthead -------------------------------------------------------------------------------------
if curl -s -o /dev/null --max-time 2 "$BASE/"; then die "something already answers on $BASE"; fi
PID= NOISE_PID=
stop() {
  [ -n "$NOISE_PID" ] && kill "$NOISE_PID" 2>/dev/null; NOISE_PID=
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    log "stopping Masthead (pid $PID)"
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID" 2>/dev/null || true
  fi
  PID=
}
trap stop EXIT
trap 'exit 130' INT TERM
log "starting Masthead on $BASE with $LIMIT_SETTINGS"
# shellcheck disable=SC2086 # LIMIT_SETTINGS is a list of words on purpose
(cd "$APP" && MASTHEAD_ADMIN_PASSWORD="bench-admin-$(date +%s)-not-secret" MASTHEAD_SITE_URL="$BASE" \
  ForwardedHeaders__KnownProxies__0=127.0.0.1 exec dotnet Masthead.dll --urls "$BASE" $LIMIT_SETTINGS) > "$OUT/masthead.log" 2>&1 &
PID=$!
for i in $(seq 120); do
  curl -s -o /dev/null --max-time 2 "$BASE/healthz" && break
  kill -0 "$PID" 2>/dev/null || { cat "$OUT/masthead.log"; die "Masthead exited while starting"; }
  ((i < 120)) || die "Masthead did not answer within 60 s"
  sleep 0.5
done
POST_PATH="$(curl -s -o /dev/null -w '%{redirect_url}' --max-time 10 "$BASE/?p=$POST_ID")"
POST_PATH="${POST_PATH#"$BASE"}"
[ -n "$POST_PATH" ] || die "no permalink for post $POST_ID"
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE$POST_PATH")" = 200 ] || die "the post $POST_PATH does not answer 200"
log "post $POST_ID at $POST_PATH"

# The comments of this run whose markers are in the database: "marker<TAB>id<TAB>approval" per line.
stored_markers() {
  sql "$POST_ID" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for cid, content, approval in db.execute("select Id, Content, Approval from Comments where PostId = ?", (int(sys.argv[2]),)):
    m = re.search(r"Bench comment (cl-[0-9a-f]+-\d+-\d+)\.", content)
    if m:
        print(m.group(1), cid, approval, sep="\t")
PY
}

# --- 4. does the endpoint take a comment at all? -----------------------------------------------------------
dotnet "$LOAD/CommentLoad.dll" "$BASE" "$POST_ID" "$POST_PATH" 1 0 "$OUT/preflight.tsv" "$IDENTITY" > /dev/null || die "the load generator failed"
read -r P_MARKER P_KIND P_STATUS P_LOCATION _ < <(tail -1 "$OUT/preflight.tsv" | awk -F'\t' '{ printf "%s %s %s %s\n", $1, $2, $3, ($4 == "" ? "-" : $4) }')
if [ "$P_KIND" != success ]; then
  die "refusing to measure: POST /wp-comments-post.php answered $P_STATUS (location $P_LOCATION), not a redirect to the post or a 200 — the comment endpoint is missing or refused a plain comment"
fi
stored_markers | grep -q "^$P_MARKER"$'\t' || die "refusing to measure: the first comment was answered $P_STATUS but is not in the database"
log "one comment posted and stored ($P_STATUS -> $P_LOCATION)"

# --- 5. load -----------------------------------------------------------------------------------------------
BEFORE="$(sql "$POST_ID" <<'PY'
import sqlite3, sys
print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("select count(*) from Comments").fetchone()[0])
PY
)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
( while kill -0 $$ 2>/dev/null; do
    top -b -c -d 2 -n 2 -w 512 | awk -v t="$(date +%T)" -v me="$PID" '
      /^top -/ { frame++ }
      frame == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 25 && $1 != me && $12 !~ /^(top)/ && $0 !~ /CommentLoad/ {
        cmd = $12; for (i = 13; i <= NF; i++) cmd = cmd " " $i
        printf "%s\t%s\t%s\t%s\n", t, $1, $9, substr(cmd, 1, 100) }'
    sleep 3
  done > "$OUT/other-load.tsv" ) &
NOISE_PID=$!
log "$CONCURRENCY commenters for $SECONDS_ s ($IDENTITY)"
ELAPSED="$(dotnet "$LOAD/CommentLoad.dll" "$BASE" "$POST_ID" "$POST_PATH" "$CONCURRENCY" "$SECONDS_" "$OUT/results.tsv" "$IDENTITY" | awk -F'\t' '$1 == "elapsed" { print $2 }')"
[ -n "$ELAPSED" ] || die "the load generator failed"
kill -0 "$PID" 2>/dev/null || die "Masthead died under the load (see $OUT/masthead.log)"
grep -aE '^(fail|crit)|Exception' "$OUT/masthead.log" | head -5 > "$OUT/server-errors.txt" || true
# Stopped before counting, so nothing still in flight can be stored after the count.
stop
stored_markers > "$OUT/stored.tsv"

# --- 6. count and compare ----------------------------------------------------------------------------------
python3 - "$OUT" "$ELAPSED" "$BEFORE" "$DB" <<'PY' > "$OUT/counts.txt"
import collections, re, sqlite3, statistics, sys
out, elapsed, before, dbfile = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = [l.rstrip("\n").split("\t") for l in open(f"{out}/results.tsv")][1:]
stored = {m: (int(i), a) for m, i, a in (l.rstrip("\n").split("\t") for l in open(f"{out}/stored.tsv"))}
success = [r for r in rows if r[1] == "success"]
rejected = collections.Counter(r[2] for r in rows if r[1] == "rejected")
errors = collections.Counter(r[2] for r in rows if r[1] == "error")
missing = [r[0] for r in success if r[0] not in stored]
# A redirect names the stored comment (#comment-<id>): that row must be the comment with this marker.
wrong_id = [r[0] for r in success if (m := re.search(r"#comment-(\d+)", r[3])) and r[0] in stored and stored[r[0]][0] != int(m.group(1))]
answered = {r[0] for r in rows}
stored_unanswered = [m for m in stored if m in answered and m not in {r[0] for r in success}]
approval = collections.Counter(a for m, (_, a) in stored.items() if m in answered)
ms = sorted(float(r[4]) for r in success)
p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))] if ms else 0
after = sqlite3.connect(f"file:{dbfile}?mode=ro", uri=True).execute("select count(*) from Comments").fetchone()[0]
fmt = lambda c: ", ".join(f"{k}: {v}" for k, v in sorted(c.items())) or "none"
print(f"posted\t{len(rows)}")
print(f"success\t{len(success)}")
print(f"stored\t{sum(1 for r in success if r[0] in stored)}")
print(f"missing\t{len(missing)}{(' e.g. ' + missing[0]) if missing else ''}")
print(f"wrong_id\t{len(wrong_id)}")
print(f"stored_without_success\t{len(stored_unanswered)}")
print(f"rejected\t{sum(rejected.values())} ({fmt(rejected)})")
print(f"errors\t{sum(errors.values())} ({fmt(errors)})")
print(f"approval\t{fmt(approval)}")
print(f"rows\t{before} -> {after}")
print(f"rate\t{len(success) / elapsed:.1f}")
print(f"latency\tp50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, max {ms[-1] if ms else 0:.0f} ms")
print(f"verdict\t{'PASS' if success and not missing and not wrong_id else 'FAIL'}")
PY
v() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$OUT/counts.txt"; }
[ "$(v success)" != 0 ] || die "refusing to report: no comment was answered with success under load (rejected: $(v rejected); errors: $(v errors))"
{
  echo "# $CONCURRENCY commenters for $SECONDS_ s — $(date -u +'%F %T') UTC"
  echo
  echo "- Masthead $VERSION, Release, Production, SQLite; $(nproc) cores shared with the load generator"
  echo "- server settings: ForwardedHeaders:KnownProxies=127.0.0.1 $LIMIT_SETTINGS; identities: $IDENTITY"
  echo "- load at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(cut -f4 "$OUT/other-load.tsv" | awk '{print $1, $2}' | sort | uniq -c | sort -rn | head -3 | awk '{n=$1; $1=""; printf "%s%s (%d samples)", sep, substr($0,2), n; sep="; "}' | grep . || echo none)"
  echo "- post \`$POST_PATH\` (id $POST_ID); load for ${ELAPSED} s"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| posted (requests answered or failed) | $(v posted) |"
  echo "| answered with success (302/303 to the post, or 200) | $(v success) |"
  echo "| of those, stored | **$(v stored)** (missing: $(v missing); redirect naming another comment: $(v wrong_id)) |"
  echo "| stored although not answered with success | $(v stored_without_success) |"
  echo "| rejected, by status | $(v rejected) |"
  echo "| errors (no answer) | $(v errors) |"
  echo "| stored comments by approval | $(v approval) |"
  echo "| comment rows before / after | $(v rows) |"
  echo "| comments/s (successes / elapsed) | **$(v rate)** |"
  echo "| latency of successes | $(v latency) |"
  echo
  echo "**Every comment answered with success is stored: $(v verdict)**"
  [ -s "$OUT/server-errors.txt" ] && { echo; echo "Server log errors (first lines): \`$(head -1 "$OUT/server-errors.txt" | cut -c1-200)\`"; }
  grep -q '429' <<<"$(v rejected)" && { echo; echo "429 answers: the rate limit was not raised enough — set LIMIT_SETTINGS to the comment form's setting."; }
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "done: $OUT/summary.md"
[ "$(v verdict)" = PASS ]
