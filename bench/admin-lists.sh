#!/usr/bin/env bash
# The admin's list screens on a big site, signed in, at one connection (issue 9: each under 20 ms).
#
#   flock /tmp/masthead-build.lock bench/admin-lists.sh                  # SITE=posts; 3 runs x 10 s per page
#   SITE=people flock /tmp/masthead-build.lock bench/admin-lists.sh      # Users, Categories, Tags
#   RUNS=1 DURATION=5s flock /tmp/masthead-build.lock bench/admin-lists.sh
#
# Two sites (SITE):
#   posts   20,000 posts; the Posts screen for a signed-in editor: the first page, a category + month filter (the
#           category and month with the most posts), a search, and page 500.
#   people  10,000 users and 5,000 terms (2,500 categories, 2,500 tags) over 2,000 posts; for the administrator:
#           Users (first page, a search, the last page), Categories (first page, a search) and Tags (first page,
#           the last page).
# What it does, in order (everything binds to 127.0.0.1 and stops by itself):
#   1. builds Masthead in Release into bench/out/app-admin (SKIP_BUILD=1 reuses it);
#   2. generates a fresh SQLite site with `Masthead generate` (about 20 s);
#   3. starts Masthead with an administrator named by MASTHEAD_ADMIN_PASSWORD and signs in through the login form
#      (for SITE=posts it then adds an editor through Users → Add New User and signs in as the editor);
#   4. measures each address with wrk at one connection, carrying the cookie;
#   5. refuses to report unless every address answered 200 with the real list (its heading, the list table, at least
#      one row and the address's own marker) before and after the load, and wrk saw no non-2xx answer.
# Settings: SITE=posts RUNS=3 DURATION=10s WARMUP=5s PORT=5085 SKIP_BUILD= OUT=bench/out/admin-<site>-<UTC timestamp>
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
SITE="${SITE:-posts}"
OUT="${OUT:-$BENCH/out/admin-$SITE-$STAMP}"
APP="$BENCH/out/app-admin"
PORT="${PORT:-5085}"
BASE="http://127.0.0.1:$PORT"
RUNS="${RUNS:-3}" DURATION="${DURATION:-10s}" WARMUP="${WARMUP:-5s}"
case "$SITE" in
  posts) GENERATE=(--posts 20000 --categories 10 --tags 50 --authors 5 --comments 2000) ;;
  people) GENERATE=(--posts 2000 --categories 2500 --tags 2500 --authors 10000 --comments 200) ;;
  *) echo "SITE is posts or people, not $SITE" >&2; exit 2 ;;
esac

log() { printf '[admin-bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
command -v wrk >/dev/null || die "wrk is missing (bench/run.sh installs it: apt-get install wrk)"

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Masthead (Release)"
  timeout 900 dotnet build "$REPO/src/Masthead/Masthead.csproj" -c Release -o "$APP" --nologo -v quiet -clp:ErrorsOnly || die "build failed"
  echo "$(git -C "$REPO" rev-parse HEAD)$(git -C "$REPO" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')" > "$APP/bench-version.txt"
fi
[ -f "$APP/Masthead.dll" ] || die "no $APP/Masthead.dll"
VERSION="$(cat "$APP/bench-version.txt" 2>/dev/null || echo unknown)"

DB="$OUT/admin-bench.db"
export Database__ConnectionString="Data Source=$DB" ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "generating ${GENERATE[*]}"
(cd "$APP" && timeout 900 dotnet Masthead.dll generate "${GENERATE[@]}") \
  > "$OUT/generate.log" 2>&1 || { cat "$OUT/generate.log"; die "generate failed"; }
tail -1 "$OUT/generate.log"

if curl -s -o /dev/null --max-time 2 "$BASE/"; then die "something already answers on $BASE"; fi
PID=
stop() { if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; fi; PID=; }
trap stop EXIT
trap 'exit 130' INT TERM
ADMIN_PASSWORD="bench-admin-$(date +%s)-not-secret"
EDITOR_PASSWORD="bench-editor-$(date +%s)-not-secret"
(cd "$APP" && MASTHEAD_ADMIN_PASSWORD="$ADMIN_PASSWORD" MASTHEAD_SITE_URL="$BASE" exec dotnet Masthead.dll --urls "$BASE") > "$OUT/masthead.log" 2>&1 &
PID=$!
for i in $(seq 120); do
  curl -s -o /dev/null --max-time 2 "$BASE/healthz" && break
  kill -0 "$PID" 2>/dev/null || { cat "$OUT/masthead.log"; die "Masthead exited while starting"; }
  ((i < 120)) || die "Masthead did not answer within 60 s"
  sleep 0.5
done

# The antiforgery token of the first form on a page the jar's user can open.
token() { curl -s -b "$1" -c "$1" "$BASE$2" | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
sign_in() {  # jar login password
  rm -f "$1"
  local t; t="$(token "$1" /login)"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$1" -c "$1" --data-urlencode "__RequestVerificationToken=$t" --data-urlencode "log=$2" \
    --data-urlencode "pwd=$3" --data-urlencode "redirect_to=/admin" "$BASE/login")" = 302 ] || die "could not sign in as $2"
}
sign_in "$OUT/admin.jar" admin "$ADMIN_PASSWORD"
cookie_of() { awk -F'\t' '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", sep, $6, $7; sep="; " }' "$1"; }

# Each row: name, path, then every marker the real page carries (its heading, its table, a row, its own mark).
if [ "$SITE" = posts ]; then
  T="$(token "$OUT/admin.jar" /admin/users)"
  curl -s -o /dev/null -b "$OUT/admin.jar" -c "$OUT/admin.jar" --data-urlencode "__RequestVerificationToken=$T" --data-urlencode "user_login=bench-editor" \
    --data-urlencode "email=bench-editor@example.invalid" --data-urlencode "display_name=Bench Editor" --data-urlencode "role=editor" \
    --data-urlencode "pass1=$EDITOR_PASSWORD" "$BASE/admin/users"
  sign_in "$OUT/editor.jar" bench-editor "$EDITOR_PASSWORD"
  COOKIE="$(cookie_of "$OUT/editor.jar")"
  # A filter that selects something: the category with the most posts, and that category's busiest month.
  read -r CATEGORY MONTH < <(python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(*db.execute("""
    select pt.TermId, substr(p.PublishedAtUtc, 1, 4) || substr(p.PublishedAtUtc, 6, 2) from PostTerms pt
    join Posts p on p.Id = pt.PostId join Terms t on t.Id = pt.TermId
    where t.Taxonomy = 'category' and p.Type = 'post' and p.Status <> 'trash'
    group by 1, 2 order by count(*) desc limit 1""").fetchone())
PY
  )
  POSTS_PAGE=$'<h1>Posts</h1>\tclass="list-table posts-table"\tname="post[]"'
  PATHS=(
    "first-page	/admin/posts	$POSTS_PAGE	aria-current=\"page\">Page 1 of "
    "category-month	/admin/posts?cat=$CATEGORY&m=$MONTH	$POSTS_PAGE	<option value=\"$MONTH\" selected"
    "search	/admin/posts?s=harbor	$POSTS_PAGE	value=\"harbor\""
    "page-500	/admin/posts?paged=500	$POSTS_PAGE	aria-current=\"page\">Page 500 of "
  )
else
  COOKIE="$(cookie_of "$OUT/admin.jar")"
  # The last pages, from the numbers of users and terms (20 a page).
  read -r USERS_LAST TAGS_LAST < <(python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
users = db.execute("select count(*) from Users").fetchone()[0]
tags = db.execute("select count(*) from Terms where Taxonomy = 'post_tag'").fetchone()[0]
print((users + 19) // 20, (tags + 19) // 20)
PY
  )
  USERS_PAGE=$'<h1>Users</h1>\tclass="list-table'
  PATHS=(
    "users-first	/admin/users	$USERS_PAGE	name=\"users[]\"	aria-current=\"page\">Page 1 of "
    "users-search	/admin/users?s=writer	$USERS_PAGE	name=\"users[]\"	value=\"writer\""
    "users-last	/admin/users?paged=$USERS_LAST	$USERS_PAGE	name=\"users[]\"	aria-current=\"page\">Page $USERS_LAST of "
    "categories-first	/admin/categories	<h1>Categories</h1>	class=\"list-table	name=\"delete_tags[]\"	aria-current=\"page\">Page 1 of "
    "categories-search	/admin/categories?s=section+12	<h1>Categories</h1>	class=\"list-table	name=\"delete_tags[]\"	value=\"section 12\""
    "tags-first	/admin/tags	<h1>Tags</h1>	class=\"list-table	name=\"delete_tags[]\"	aria-current=\"page\">Page 1 of "
    "tags-last	/admin/tags?paged=$TAGS_LAST	<h1>Tags</h1>	class=\"list-table	name=\"delete_tags[]\"	aria-current=\"page\">Page $TAGS_LAST of "
  )
fi
[ -n "$COOKIE" ] || die "no cookie to sign in with"
printf '%s\n' "${PATHS[@]}" > "$OUT/paths.tsv"
not_real() {
  local name path markers body status marker
  while IFS=$'\t' read -r name path markers; do
    body="$(curl -s -H "Cookie: $COOKIE" -w '\n%{http_code}' --max-time 30 "$BASE$path")"
    status="${body##*$'\n'}"; body="${body%$'\n'*}"
    [ "$status" = 200 ] || { echo "$name ($path) answered $status with ${#body} bytes"; continue; }
    while IFS= read -r marker; do
      grep -qF -- "$marker" <<<"$body" || echo "$name ($path) answered ${#body} bytes without: $marker"
    done < <(tr '\t' '\n' <<<"$markers")
  done < "$OUT/paths.tsv"
}
NOT_REAL="$(not_real)"
[ -z "$NOT_REAL" ] || die "refusing to measure, these are not the real pages: $NOT_REAL"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
echo -e "name\trun\treq/s\tmean ms\tp50 ms\tp99 ms\tnon-2xx" > "$OUT/summary.tsv"
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else if (v ~ /s$/) printf "%.2f", v * 1000; else print "?" }'; }
while IFS=$'\t' read -r name path _; do
  wrk -t1 -c1 -d"$WARMUP" -H "Cookie: $COOKIE" "$BASE$path" > "$OUT/$name.warmup.txt" 2>&1 || true
  for run in $(seq "$RUNS"); do
    f="$OUT/$name.run$run.txt"
    wrk -t1 -c1 -d"$DURATION" --latency -H "Cookie: $COOKIE" "$BASE$path" > "$f" 2>&1 || true
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$run" "$(awk '/^Requests\/sec:/{print $2}' "$f")" \
      "$(to_ms "$(awk '$1 == "Latency" && NF > 3 {print $2; exit}' "$f")")" \
      "$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="50%"{print $2; exit}' "$f")")" \
      "$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="99%"{print $2; exit}' "$f")")" \
      "$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f" | grep . || echo 0)" | tee -a "$OUT/summary.tsv"
  done
done < "$OUT/paths.tsv"
NOT_REAL="$(not_real)"
[ -z "$NOT_REAL" ] || die "refusing to report, after the load these were not the real pages: $NOT_REAL"
awk -F'\t' 'NR > 1 && $7 != 0 { bad = 1 } END { exit bad }' "$OUT/summary.tsv" || die "refusing to report: wrk saw non-2xx answers"
stop

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
{
  echo "# Admin list screens, SITE=$SITE (generate ${GENERATE[*]}), signed in, 1 connection — $(date -u +'%F %T') UTC"
  echo
  echo "- Masthead $VERSION, Release, Production, SQLite; wrk -t1 -c1 -d$DURATION, $RUNS runs (medians), $WARMUP warm-up per path"
  echo "- load at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores shared with wrk and anything else"
  echo
  echo "| page | path | req/s | mean ms | p50 ms | p99 ms | under 20 ms |"
  echo "|---|---|---:|---:|---:|---:|---|"
  while IFS=$'\t' read -r name path _; do
    rows="$(awk -F'\t' -v n="$name" '$1 == n' "$OUT/summary.tsv")"
    rps="$(cut -f3 <<<"$rows" | median)"; mean="$(cut -f4 <<<"$rows" | median)"
    p50="$(cut -f5 <<<"$rows" | median)"; p99="$(cut -f6 <<<"$rows" | median)"
    printf '| %s | `%s` | %.0f | %.2f | %.2f | %.2f | %s |\n' "$name" "$path" "$rps" "$mean" "$p50" "$p99" \
      "$(awk -v m="$mean" 'BEGIN { print (m < 20) ? "yes" : "**no**" }')"
  done < "$OUT/paths.tsv"
  echo
  echo "At one connection a request's latency is the server's time for it plus the loopback round trip (well under 0.1 ms)."
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "done: $OUT/summary.md"
