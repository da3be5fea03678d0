#!/usr/bin/env bash
# A post with 1,000 approved comments, threaded and paged at 50, at 32 connections: Masthead vs. the real WordPress
# of ../shared/anchors/wordpress, with the same post shape, in the same run (issue 10; target: at least 50x).
#
#   flock /tmp/masthead-build.lock bench/comments-read.sh                 # 3 runs x 20 s at 32 connections
#   RUNS=1 DURATION=5s SKIP_WP=1 flock /tmp/masthead-build.lock bench/comments-read.sh
#
# What it does, in order (everything binds to 127.0.0.1 and stops by itself):
#   1. builds Masthead in Release into bench/out/app-comments (SKIP_BUILD=1 reuses it);
#   2. generates a fresh SQLite site of run.sh's size plus one post with COMMENTS threaded approved comments
#      (`Masthead generate ... --thread-comments 1000`), and sets the Discussion options in its Options table:
#      threaded 5 deep, paged (page_comments=1, comments_per_page=50);
#   3. starts Masthead (Release, Production) and finds the post's address from its /?p=<id> redirect;
#   4. if WordPress answers at WP_BASE: adds the same post to it with wp-thread-comments.php (the same count, the same
#      thread shapes, the same options), and takes it out again and restores the options when the script ends;
#   5. checks both pages with check-comment-page.py: 200, the title, only that post's approved comments, 50 top-level
#      comments with their threads whole, a known comment's text; refuses to measure otherwise;
#   6. wrk at 32 connections (--timeout 30s), RUNS runs per side, WordPress then Masthead straight after; medians;
#   7. checks both pages again and that wrk saw no non-2xx answer; refuses to report otherwise;
#   8. writes comparison.md (req/s, p99, bytes, comments on the page, the ratio) and prints it.
# Runs are 20 s rather than run.sh's 10 s: WordPress answers this page in seconds at 32 connections (4 PHP workers,
# each request queued behind seven others), so in a short run the first answers' wait is a large share of the time.
# Settings: RUNS=3 DURATION=20s WARMUP=5s PAUSE=20 PORT=5086 WP_BASE=http://127.0.0.1:8081
#   COMMENTS=1000 PER_PAGE=50 SKIP_BUILD= SKIP_WP= MASTHEAD_WARMUP=5s OUT=bench/out/comments-read-<UTC timestamp>
#   ALLOW_UNPAGED=1  measure Masthead even if it shows every comment on one page (before comment paging exists);
#                    the report then says so and judges no target.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${OUT:-$BENCH/out/comments-read-$STAMP}"
APP="$BENCH/out/app-comments"
PORT="${PORT:-5086}"
MASTHEAD_BASE="http://127.0.0.1:$PORT"
WP_BASE="${WP_BASE:-http://127.0.0.1:8081}"
COMMENTS="${COMMENTS:-1000}" PER_PAGE="${PER_PAGE:-50}"
RUNS="${RUNS:-3}" DURATION="${DURATION:-20s}"
TITLE="Readers debate the harbor plan"
# Outside the run's folder: if a run dies before putting WordPress's options back, the next one still knows them.
WP_STATE="$BENCH/out/wp-discussion-options.json"

log() { printf '[comments-read %s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
log "output: $OUT"
command -v wrk >/dev/null || die "wrk is missing (bench/run.sh installs it: apt-get install wrk)"
# Threads of five; whole pages of PER_PAGE top-level comments, so the first and the last page are the same shape.
(( COMMENTS % (5 * PER_PAGE) == 0 )) || die "COMMENTS ($COMMENTS) must be a multiple of 5 x PER_PAGE ($PER_PAGE)"

# --- 1. build ----------------------------------------------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Masthead (Release)"
  timeout 900 dotnet build "$REPO/src/Masthead/Masthead.csproj" -c Release -o "$APP" --nologo -v quiet -clp:ErrorsOnly || die "build failed"
  echo "$(git -C "$REPO" rev-parse HEAD)$(git -C "$REPO" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')" > "$APP/bench-version.txt"
fi
[ -f "$APP/Masthead.dll" ] || die "no $APP/Masthead.dll (build first, or unset SKIP_BUILD)"
VERSION="$(cat "$APP/bench-version.txt" 2>/dev/null || echo unknown)"
echo "$VERSION" > "$OUT/masthead-version.txt"

# --- 2. a fresh site with the threaded post ----------------------------------------------------------------
DB="$OUT/comments-bench.db"
export Database__ConnectionString="Data Source=$DB" ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "generating run.sh's site plus a post with $COMMENTS threaded comments"
(cd "$APP" && timeout 600 dotnet Masthead.dll generate --posts 2000 --categories 10 --tags 50 --authors 5 --comments 5000 \
  --thread-comments "$COMMENTS") > "$OUT/generate.log" 2>&1 || { cat "$OUT/generate.log"; die "generate failed"; }
tail -1 "$OUT/generate.log"
POST_ID="$(sed -n 's/.*threaded comments on post \([0-9]*\) .*/\1/p' "$OUT/generate.log" | tail -1)"
[ -n "$POST_ID" ] || die "generate did not name the threaded post (is --thread-comments in this build?)"
# The Discussion settings, under WordPress's option names, as Settings → Discussion would store them.
python3 - "$DB" "$PER_PAGE" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for name, value in [("thread_comments", "1"), ("thread_comments_depth", "5"), ("page_comments", "1"), ("comments_per_page", sys.argv[2])]:
    db.execute("insert into Options (Name, Value) values (?, ?) on conflict (Name) do update set Value = excluded.Value", (name, value))
db.commit()
PY
python3 - "$DB" "$POST_ID" > "$OUT/masthead-comments.tsv" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for row in db.execute("select Id, coalesce(ParentId, 0), replace(replace(Content, char(9), ' '), char(10), ' ') from Comments "
                      "where PostId = ? and Approval = 'approved' order by Id", (int(sys.argv[2]),)):
    print(*row, sep="\t")
PY
[ "$(wc -l < "$OUT/masthead-comments.tsv")" = "$COMMENTS" ] || die "the threaded post has $(wc -l < "$OUT/masthead-comments.tsv") approved comments, not $COMMENTS"

# --- 3. start Masthead -------------------------------------------------------------------------------------
if curl -s -o /dev/null --max-time 2 "$MASTHEAD_BASE/"; then die "something already answers on $MASTHEAD_BASE"; fi
MASTHEAD_PID= WP_SEEDED= NOISE_PID=
stop_masthead() {
  if [ -n "$MASTHEAD_PID" ] && kill -0 "$MASTHEAD_PID" 2>/dev/null; then
    log "stopping Masthead (pid $MASTHEAD_PID)"
    kill -TERM "$MASTHEAD_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$MASTHEAD_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$MASTHEAD_PID" 2>/dev/null && kill -KILL "$MASTHEAD_PID" 2>/dev/null || true
  fi
  MASTHEAD_PID=
}
restore_wp() {
  if [ -n "$WP_SEEDED" ]; then
    php "$BENCH/wp-thread-comments.php" restore "$WP_STATE" || log "WARNING: could not restore WordPress (run: php bench/wp-thread-comments.php restore $WP_STATE)"
    WP_SEEDED=
  fi
}
cleanup() { [ -n "$NOISE_PID" ] && kill "$NOISE_PID" 2>/dev/null; stop_masthead; restore_wp; }
trap cleanup EXIT
trap 'exit 130' INT TERM
log "starting Masthead on $MASTHEAD_BASE"
(cd "$APP" && MASTHEAD_ADMIN_PASSWORD="bench-admin-$(date +%s)-not-secret" MASTHEAD_SITE_URL="$MASTHEAD_BASE" \
  exec dotnet Masthead.dll --urls "$MASTHEAD_BASE") > "$OUT/masthead.log" 2>&1 &
MASTHEAD_PID=$!
for i in $(seq 120); do
  curl -s -o /dev/null --max-time 2 "$MASTHEAD_BASE/healthz" && break
  kill -0 "$MASTHEAD_PID" 2>/dev/null || { cat "$OUT/masthead.log"; die "Masthead exited while starting"; }
  ((i < 120)) || die "Masthead did not answer within 60 s"
  sleep 0.5
done
MASTHEAD_PATH="$(curl -s -o /dev/null -w '%{redirect_url}' --max-time 10 "$MASTHEAD_BASE/?p=$POST_ID")"
MASTHEAD_PATH="${MASTHEAD_PATH#"$MASTHEAD_BASE"}"
[ -n "$MASTHEAD_PATH" ] || die "no permalink for post $POST_ID"

# --- 4. the same post on WordPress -------------------------------------------------------------------------
WP=
if [ -z "${SKIP_WP:-}" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$WP_BASE/" || true)" = 200 ]; then
  log "adding the post with $COMMENTS threaded comments to WordPress"
  WP_SEEDED=1
  read -r WP_POST_ID WP_URL < <(WP_ANCHOR_URL="$WP_BASE" php "$BENCH/wp-thread-comments.php" create "$COMMENTS" "$WP_STATE") \
    || die "could not add the post to WordPress"
  WP_PATH="${WP_URL#"$WP_BASE"}"
  mariadb -N -B wordpress -e "select comment_ID, comment_parent, comment_content from wp_comments
    where comment_post_ID = $WP_POST_ID and comment_approved = '1' order by comment_ID" > "$OUT/wordpress-comments.tsv" \
    || die "could not read WordPress's comments (mariadb as root)"
  WP=1
else
  log "WordPress not measured (SKIP_WP set, or $WP_BASE does not answer 200): Masthead only, no ratio"
fi
{ printf 'masthead\t%s\n' "$MASTHEAD_PATH"; [ -n "$WP" ] && printf 'wordpress\t%s\n' "$WP_PATH"; } > "$OUT/paths.tsv"
cat "$OUT/paths.tsv"

# --- 5. the real pages only ----------------------------------------------------------------------------------
# Prints "side<TAB>top-level<TAB>comments<TAB>bytes" per side, or what is wrong, and fails.
check_pages() {  # when
  local bad=0 status line
  for side in masthead ${WP:+wordpress}; do
    local base="$MASTHEAD_BASE" path="$MASTHEAD_PATH"; [ "$side" = wordpress ] && base="$WP_BASE" path="$WP_PATH"
    status="$(curl -s -o "$OUT/$side-page-$1.html" -w '%{http_code}' --max-time 60 "$base$path" || true)"
    if [ "$status" != 200 ]; then echo "$side ($path) answered $status" >&2; bad=1; continue; fi
    if line="$(python3 "$BENCH/check-comment-page.py" "$OUT/$side-page-$1.html" "$OUT/$side-comments.tsv" "$TITLE" "$PER_PAGE")"; then
      printf '%s\t%s\n' "$side" "$line"
    elif [ "$side" = masthead ] && [ -n "${ALLOW_UNPAGED:-}" ] \
      && line="$(python3 "$BENCH/check-comment-page.py" "$OUT/$side-page-$1.html" "$OUT/$side-comments.tsv" "$TITLE" 0)"; then
      printf '%s\t%s\tunpaged\n' "$side" "$line"
    else
      echo "$side ($path): $line" >&2; bad=1
    fi
  done
  return $bad
}
check_pages before > "$OUT/pages-before.tsv" || die "refusing to measure, these are not the benchmark's pages (see above)"
cat "$OUT/pages-before.tsv"

log "warming Masthead up (${MASTHEAD_WARMUP:-5s})"
wrk -t2 -c8 -d"${MASTHEAD_WARMUP:-5s}" "$MASTHEAD_BASE$MASTHEAD_PATH" > /dev/null 2>&1 || true

# --- 6. measure --------------------------------------------------------------------------------------------
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
WP_PIDS="$(sed -n 's/^\(NGINX\|PHPFPM\|MARIADB\)_PID=//p' /var/lib/wp-anchor/pids.env 2>/dev/null | tr '\n' ' ' || true)"
# The machine is shared: every few seconds, which other processes were busy (as run.sh does).
( while kill -0 $$ 2>/dev/null; do
    top -b -c -d 2 -n 2 -w 512 | awk -v t="$(date +%T)" -v me="$MASTHEAD_PID" '
      /^top -/ { frame++ }
      frame == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 25 && $1 != me && $12 !~ /^(wrk|nginx|php-fpm|\/usr\/sbin\/mariadbd|top)/ {
        cmd = $12; for (i = 13; i <= NF; i++) cmd = cmd " " $i
        printf "%s\t%s\t%s\t%s\n", t, $1, $9, substr(cmd, 1, 100) }'
    sleep 3
  done > "$OUT/other-load.tsv" ) &
NOISE_PID=$!
# Our own wrk loop rather than the anchor's bench.sh, for two reasons seen in the first runs: at 32 connections
# WordPress answers this page in about 10 s, past wrk's default 2 s timeout, so bench.sh's latencies were empty; and the
# requests still queued in PHP-FPM when a run ends (nginx drops them, PHP still renders them) ate into the next run
# after bench.sh's 5 s pause. So: --timeout 30s, and PAUSE (20 s) before every run for the queue to drain.
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.1f", v / 1000; else if (v ~ /ms$/) printf "%.1f", v + 0; else if (v ~ /s$/) printf "%.0f", v * 1000; else print "?" }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
tree_pids() { local p; for p in "$@"; do [ -d "/proc/$p" ] || continue; echo "$p"; tree_pids $(ps -o pid= --ppid "$p" 2>/dev/null); done; }
measure() {  # side url pids...
  local side=$1 url=$2; shift 2
  mkdir -p "$OUT/$side"
  wrk -t1 -c4 -d"${WARMUP:-5s}" --timeout 30s "$url" > "$OUT/$side/warmup.txt" 2>&1 || true
  # Resident memory of the side's processes and their children, every second, while it is measured.
  ( while kill -0 $$ 2>/dev/null; do
      rss=0; for p in $(tree_pids "$@"); do rss=$((rss + $(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done
      echo "$rss"; sleep 1
    done > "$OUT/$side/rss.txt" ) &
  local sampler=$! run f
  for run in $(seq "$RUNS"); do
    sleep "${PAUSE:-20}"
    f="$OUT/$side/run$run.txt"
    wrk -t2 -c32 -d"$DURATION" --timeout 30s --latency "$url" > "$f" 2>&1 || true
    printf '%s\t%s\t%s\t%s\t%s\n' "$run" "$(awk '/^Requests\/sec:/{print $2}' "$f")" \
      "$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="50%"{print $2; exit}' "$f")")" \
      "$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="99%"{print $2; exit}' "$f")")" \
      "$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f" | grep . || echo 0)" | tee -a "$OUT/$side/runs.tsv"
  done
  kill "$sampler" 2>/dev/null || true
}
if [ -n "$WP" ]; then
  log "WordPress: $RUNS x $DURATION at 32 connections"
  measure wordpress "$WP_BASE$WP_PATH" $WP_PIDS
fi
log "Masthead: $RUNS x $DURATION at 32 connections"
measure masthead "$MASTHEAD_BASE$MASTHEAD_PATH" "$MASTHEAD_PID"
kill "$NOISE_PID" 2>/dev/null || true; NOISE_PID=

# --- 7. the same pages after the load ----------------------------------------------------------------------
check_pages after > "$OUT/pages-after.tsv" || die "refusing to report, after the load these were not the benchmark's pages"
if cat "$OUT"/*/runs.tsv | awk -F'\t' '$5 != 0 { bad = 1 } END { exit !bad }'; then
  die "refusing to report: wrk saw non-2xx answers ($(grep -l 'Non-2xx' "$OUT"/*/run*.txt | tr '\n' ' '))"
fi
grep -aE '^(fail|crit)|Exception' "$OUT/masthead.log" | head -5 || true
stop_masthead
restore_wp

# --- 8. compare --------------------------------------------------------------------------------------------
row() { printf '%s\t%s\t%s\n' "$(cut -f2 "$OUT/$1/runs.tsv" | median)" "$(cut -f4 "$OUT/$1/runs.tsv" | median)" "$(cut -f2 "$OUT/$1/runs.tsv" | paste -sd/ -)"; }
IFS=$'\t' read -r MH_RPS MH_P99 MH_RUNS < <(row masthead)
WP_RPS=– WP_P99=– WP_RUNS=–
[ -n "$WP" ] && IFS=$'\t' read -r WP_RPS WP_P99 WP_RUNS < <(row wordpress)
IFS=$'\t' read -r _ MH_TOPS MH_SHOWN MH_BYTES MH_UNPAGED < <(grep '^masthead' "$OUT/pages-before.tsv")
WP_TOPS=– WP_SHOWN=– WP_BYTES=–
[ -n "$WP" ] && IFS=$'\t' read -r _ WP_TOPS WP_SHOWN WP_BYTES < <(grep '^wordpress' "$OUT/pages-before.tsv")
RATIO=– TARGET=–
if [ -n "$WP" ]; then
  RATIO="$(awk -v m="$MH_RPS" -v w="$WP_RPS" 'BEGIN { printf "%.1fx", m / w }')"
  if [ -n "${MH_UNPAGED:-}" ]; then TARGET="not judged: Masthead does not page comments yet"
  else TARGET="$(awk -v m="$MH_RPS" -v w="$WP_RPS" 'BEGIN { print (m / w >= 50) ? "met" : "**missed**" }')"; fi
fi
peak_rss() { sort -n "$OUT/$1/rss.txt" | tail -1 | awk '{ printf "%.1f MiB", $1 / 1024 }'; }
sockets() { cat "$OUT/$1"/run*.txt 2>/dev/null | awk -F'[ ,]+' '/Socket errors/ { for (i = 4; i < NF; i += 2) e[$i] += $(i + 1) }
  END { printf "connect %d, read %d, write %d, timeout %d", e["connect"], e["read"], e["write"], e["timeout"] }'; }
{
  echo "# A post with $COMMENTS threaded comments, paged at $PER_PAGE, at 32 connections — $(date -u +'%F %T') UTC"
  echo
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(wrk -v 2>&1 | head -1 | cut -c1-40)"
  echo "- load at the start (1/5/15 min): $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- other busy processes (>= 25% CPU) seen during the run: $(cut -f4 "$OUT/other-load.tsv" | awk '{print $1, $2}' | sort | uniq -c | sort -rn | head -5 | awk '{n=$1; $1=""; printf "%s%s (%d samples)", sep, substr($0,2), n; sep="; "}' | grep . || echo none)"
  echo "- Masthead: $VERSION, Release, Production, SQLite, no output cache; WordPress: $([ -n "$WP" ] && echo "$WP_BASE (page and object caches off)" || echo "not measured")"
  echo "- \`wrk -t2 -c32 -d$DURATION --timeout 30s --latency\`, $RUNS runs per side after a ${WARMUP:-5s} warm-up, ${PAUSE:-20} s idle before each run; WordPress first, then Masthead (medians)"
  echo
  echo "| | WordPress | Masthead |"
  echo "|---|---:|---:|"
  echo "| path | \`${WP_PATH:-–}\` | \`$MASTHEAD_PATH\` |"
  echo "| req/s (median) | $WP_RPS | $MH_RPS |"
  echo "| runs (req/s) | $WP_RUNS | $MH_RUNS |"
  echo "| p99 ms (median of the runs) | $WP_P99 | $MH_P99 |"
  echo "| top-level comments / comments on the page | $WP_TOPS / $WP_SHOWN | $MH_TOPS / $MH_SHOWN${MH_UNPAGED:+ (**not paged**)} |"
  echo "| page bytes | $WP_BYTES | $MH_BYTES |"
  echo "| peak RSS under load | $([ -n "$WP" ] && peak_rss wordpress || echo –) | $(peak_rss masthead) |"
  echo "| wrk socket errors | $([ -n "$WP" ] && sockets wordpress || echo –) | $(sockets masthead) |"
  echo
  echo "**Masthead / WordPress: $RATIO** (target: at least 50x; $TARGET)"
  echo
  echo "Both posts: $COMMENTS approved comments in threads of five (a chain five deep, a fan of four, two branches), threaded"
  echo "5 deep, paged at $PER_PAGE top-level comments; each page checked before and after the load (pages-before.tsv, pages-after.tsv)."
  } > "$OUT/comparison.md"
cat "$OUT/comparison.md"
log "done: $OUT/comparison.md"
