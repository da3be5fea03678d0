#!/usr/bin/env bash
# Masthead vs. a real WordPress, side by side, in one run (issue 2).
#
#   bench/run.sh                                  # defaults: 3 runs x 15 s, at 32 connections and at 1
#   RUNS=1 DURATION=10s MODES=c32 bench/run.sh    # a short run
#
# What it does, in order (everything is bounded in time and stops by itself):
#   1. installs wrk (Debian package) if it is missing;
#   2. builds Masthead in Release into bench/out/app (REF=<commit> builds that commit from a `git archive`
#      snapshot instead of the working tree, so edits in progress elsewhere cannot change what is measured);
#   3. creates a fresh SQLite database under this run's folder and generates 2,000 posts, 10 categories,
#      50 tags, 5 authors and 5,000 comments with `Masthead generate`;
#   4. starts Masthead (Release, Production, 127.0.0.1 only) in the background and waits until it answers;
#   5. writes Masthead's paths file: home, a single post, a category archive, a search;
#   6. runs the anchors' bench.sh path by path: WordPress (if it answers at WP_BASE) on its own URL for the
#      path, then Masthead straight after, so both sides of each ratio see the machine in the same minutes;
#   7. stops Masthead (trap, by its PID);
#   8. writes comparison.md (req/s, p99 and the Masthead/WordPress ratio per path and mode) and prints it.
#
# Settings (environment):
#   RUNS DURATION MODES WARMUP PAUSE THREADS   passed through to bench.sh (its defaults: 3, 15s, "c32 c1", 3s, 5, 2)
#   PORT=5080                  Masthead's loopback port
#   WP_BASE=http://127.0.0.1:8081   the WordPress of ../shared/anchors/wordpress (start it with its setup.sh)
#   ANCHOR_DIR=<repo>/../shared/anchors/wordpress   where bench.sh and bench_paths.tsv live
#   REF=                       build this git commit instead of the working tree (e.g. REF=HEAD)
#   SKIP_BUILD=1               reuse bench/out/app from an earlier run
#   SKIP_WP=1                  measure Masthead only
#   SINGLE_COMMENTS=8          the single post picked has about this many approved comments (WordPress's has 8)
#   MASTHEAD_WARMUP=5s         load on each Masthead path before measuring (JIT warm-up)
#   MASTHEAD_ARGS=             extra arguments for the server (e.g. an output-cache switch, once one exists)
#   OUT=bench/out/<UTC timestamp>   where everything from this run goes
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${OUT:-$BENCH/out/$STAMP}"
APP="$BENCH/out/app"
PORT="${PORT:-5080}"
MASTHEAD_BASE="http://127.0.0.1:$PORT"
WP_BASE="${WP_BASE:-http://127.0.0.1:8081}"
ANCHOR_DIR="${ANCHOR_DIR:-$REPO/../shared/anchors/wordpress}"
SINGLE_COMMENTS="${SINGLE_COMMENTS:-8}"
# The same content sizes as the WordPress anchor's site (see its README).
GENERATE=(--posts 2000 --categories 10 --tags 50 --authors 5 --comments 5000)
# The four paths issue 2 compares; the names are bench_paths.tsv's, so both sides' results line up by name.
NAMES=(home single-post category search)

log() { printf '[bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$OUT"
# Everything this script and its children print also lands in the run's folder.
exec > >(tee -a "$OUT/run.log") 2>&1
log "output: $OUT"
[ -f "$ANCHOR_DIR/bench.sh" ] || die "no $ANCHOR_DIR/bench.sh (set ANCHOR_DIR)"

# --- 1. wrk ------------------------------------------------------------------------------------------------
# The anchors' bench.sh drives wrk; Debian's package is the one the WordPress figures were taken with.
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk >/dev/null \
    || { $SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk >/dev/null; } \
    || die "could not install wrk"
fi

# --- 2. build ----------------------------------------------------------------------------------------------
SRC="$REPO"
if [ -n "${REF:-}" ]; then
  # A clean copy of one commit: what is measured is exactly that commit, whatever is being edited in src/.
  COMMIT="$(git -C "$REPO" rev-parse --verify "$REF^{commit}")"
  SRC="$BENCH/out/src-$COMMIT"
  if [ ! -d "$SRC" ]; then
    mkdir -p "$SRC.tmp" && git -C "$REPO" archive "$COMMIT" | tar -x -C "$SRC.tmp" && mv "$SRC.tmp" "$SRC"
  fi
  VERSION="$COMMIT"
else
  VERSION="$(git -C "$REPO" rev-parse HEAD)$(git -C "$REPO" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
fi
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Masthead (Release) from $SRC"
  # Its own output folder: a Debug build or a test run elsewhere in the repo cannot swap the binary mid-run.
  timeout 900 dotnet build "$SRC/src/Masthead/Masthead.csproj" -c Release -o "$APP" --nologo -v quiet -clp:ErrorsOnly \
    || die "build failed"
  echo "$VERSION" > "$APP/bench-version.txt"
fi
[ -f "$APP/Masthead.dll" ] || die "no $APP/Masthead.dll (build first, or unset SKIP_BUILD)"
# What was measured is what was built, which with SKIP_BUILD may be an earlier commit.
VERSION="$(cat "$APP/bench-version.txt" 2>/dev/null || echo unknown)"
echo "$VERSION" > "$OUT/masthead-version.txt"

# --- 3. a fresh site ---------------------------------------------------------------------------------------
DB="$OUT/masthead-bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
# The connection string goes in through the environment rather than as --Database:ConnectionString: that
# works for every commit, including those (before cefa4a8) whose `generate` rejected configuration arguments.
export Database__ConnectionString="Data Source=$DB"
# Production, as a real site runs: no developer exception page, no Development-only services.
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "generating content: ${GENERATE[*]}"
# Run from the app folder: the content root (appsettings.json) is the working directory.
(cd "$APP" && timeout 600 dotnet Masthead.dll generate "${GENERATE[@]}") > "$OUT/generate.log" 2>&1 \
  || { cat "$OUT/generate.log"; die "generate failed"; }
tail -1 "$OUT/generate.log"

# --- 4. start Masthead -------------------------------------------------------------------------------------
# Never benchmark somebody else's server by mistake: the port must be free.
if curl -s -o /dev/null --max-time 2 "$MASTHEAD_BASE/"; then die "something already answers on $MASTHEAD_BASE"; fi
MASTHEAD_PID=
stop_masthead() {
  # Only the process this script started, by its PID; TERM first, KILL if it does not stop in 15 s.
  if [ -n "$MASTHEAD_PID" ] && kill -0 "$MASTHEAD_PID" 2>/dev/null; then
    log "stopping Masthead (pid $MASTHEAD_PID)"
    kill -TERM "$MASTHEAD_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$MASTHEAD_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$MASTHEAD_PID" 2>/dev/null && kill -KILL "$MASTHEAD_PID" 2>/dev/null || true
  fi
  MASTHEAD_PID=
}
trap stop_masthead EXIT
trap 'exit 130' INT TERM
log "starting Masthead on $MASTHEAD_BASE"
# `exec` so $! is the server itself (its PID is what we stop and what bench.sh samples memory of).
# shellcheck disable=SC2086 # MASTHEAD_ARGS is a list of words on purpose
# The generated site has no administrator yet: name one, as a deploy would, so pages are served rather than led to
# /setup (which a measurement would otherwise time instead of the real pages).
(cd "$APP" && MASTHEAD_ADMIN_PASSWORD="bench-admin-$(date +%s)-not-secret" MASTHEAD_SITE_URL="$MASTHEAD_BASE" \
  exec dotnet Masthead.dll --urls "$MASTHEAD_BASE" ${MASTHEAD_ARGS:-}) > "$OUT/masthead.log" 2>&1 &
MASTHEAD_PID=$!
for i in $(seq 120); do
  curl -s -o /dev/null --max-time 2 "$MASTHEAD_BASE/healthz" && break
  kill -0 "$MASTHEAD_PID" 2>/dev/null || { cat "$OUT/masthead.log"; die "Masthead exited while starting"; }
  ((i < 120)) || die "Masthead did not answer within 60 s"
  sleep 0.5
done

# --- 5. Masthead's paths -----------------------------------------------------------------------------------
# Picked from the generated database rather than from the theme's markup, so a theme change cannot move them.
#  - single post: the newest published post whose approved comments are closest to SINGLE_COMMENTS
#    (WordPress's bench post has 8), so both single pages carry a comparable comment thread;
#  - category: the generated top-level category with the most posts including its subcategories
#    (WordPress's /category/news/ is also a parent category).
read -r POST_ID CATEGORY_SLUG < <(python3 - "$DB" "$SINGLE_COMMENTS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
want = int(sys.argv[2])
post = db.execute("""
    select p.Id from Posts p
    left join Comments c on c.PostId = p.Id and c.Approval = 'approved'
    where p.Type = 'post' and p.Status = 'publish'
    group by p.Id
    order by abs(count(c.Id) - ?), p.PublishedAtUtc desc limit 1""", (want,)).fetchone()[0]
category = db.execute("""
    select t.Slug from Terms t
    where t.Taxonomy = 'category' and t.ParentId is null and t.Slug like 'section-%'
    order by (select count(*) from PostTerms pt join Terms x on x.Id = pt.TermId
              where x.Id = t.Id or x.ParentId = t.Id) desc, t.Id limit 1""").fetchone()[0]
print(post, category)
PY
)
# /?p=<id> answers with a 301 to the post's permalink: the app spells the URL, we do not re-derive it.
POST_PATH="$(curl -s -o /dev/null -w '%{redirect_url}' --max-time 10 "$MASTHEAD_BASE/?p=$POST_ID")"
POST_PATH="${POST_PATH#"$MASTHEAD_BASE"}"
[ -n "$POST_PATH" ] || die "no permalink for post $POST_ID"
printf '# name\tpath (Masthead, generated site; post id %s)\nhome\t/\nsingle-post\t%s\ncategory\t/category/%s/\nsearch\t/?s=harbor\n' \
  "$POST_ID" "$POST_PATH" "$CATEGORY_SLUG" > "$OUT/masthead-paths.tsv"
# WordPress: the anchors' own paths, kept to the same four names.
awk -F'\t' 'NR==FNR{want[$1]=1; next} /^#/ || ($1 in want)' <(printf '%s\n' "${NAMES[@]}") \
  "$ANCHOR_DIR/bench_paths.tsv" > "$OUT/wordpress-paths.tsv"

# Page sizes and status of each path, to show the two sides render comparable pages.
page_sizes() {  # base paths-file side
  grep -vE '^\s*(#|$)' "$2" | while IFS=$'\t' read -r name path; do
    printf '%s\t%s\t%s\n' "$3" "$name" "$(curl -s -o /dev/null -w '%{http_code}\t%{size_download}' --max-time 30 "$1$path")"
  done
}
page_sizes "$MASTHEAD_BASE" "$OUT/masthead-paths.tsv" masthead > "$OUT/page-sizes.tsv"
cat "$OUT/masthead-paths.tsv"
# Only real pages are measured: every path must answer 200 with a whole page (not a redirect, not the /setup form,
# not an error page), or nothing is reported.
real_pages() {  # base paths-file
  grep -vE '^\s*(#|$)' "$2" | while IFS=$'\t' read -r name path; do
    body="$(curl -s -w '\n%{http_code}' --max-time 30 "$1$path")"
    status="${body##*$'\n'}"; body="${body%$'\n'*}"
    if [ "$status" != 200 ] || [ "${#body}" -lt "${MIN_PAGE_BYTES:-5000}" ] || grep -q 'action="/setup"' <<<"$body"; then
      echo "$name ($path) answered $status with ${#body} bytes"
    fi
  done
}
NOT_REAL="$(real_pages "$MASTHEAD_BASE" "$OUT/masthead-paths.tsv")"
[ -z "$NOT_REAL" ] || die "refusing to measure, these are not the real pages: $NOT_REAL"

# A fresh .NET process compiles code at first use and recompiles hot methods (tiered compilation, PGO) over
# its first seconds of load, while WordPress's opcache has been warm since setup: load every path for a few
# seconds first, so bench.sh's short per-path warm-up is not the first traffic the process sees.
log "warming Masthead up (${MASTHEAD_WARMUP:-5s} per path)"
grep -vE '^\s*(#|$)' "$OUT/masthead-paths.tsv" | while IFS=$'\t' read -r _ path; do
  wrk -t2 -c8 -d"${MASTHEAD_WARMUP:-5s}" "$MASTHEAD_BASE$path" > /dev/null 2>&1 || true
done

# --- 6. measure --------------------------------------------------------------------------------------------
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
export RUNS DURATION MODES WARMUP PAUSE THREADS 2>/dev/null || true
WP=
if [ -z "${SKIP_WP:-}" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$WP_BASE/" || true)" = 200 ]; then
  WP=1
  page_sizes "$WP_BASE" "$OUT/wordpress-paths.tsv" wordpress >> "$OUT/page-sizes.tsv"
  NOT_REAL="$(real_pages "$WP_BASE" "$OUT/wordpress-paths.tsv")"
  [ -z "$NOT_REAL" ] || die "refusing to measure WordPress, these are not its real pages: $NOT_REAL"
else
  log "WordPress not measured (SKIP_WP set, or $WP_BASE does not answer 200): Masthead only, no ratios"
fi
# Sample WordPress's processes (nginx, PHP-FPM, MariaDB) when their PIDs are readable.
WP_PIDS="$(sed -n 's/^\(NGINX\|PHPFPM\|MARIADB\)_PID=//p' /var/lib/wp-anchor/pids.env 2>/dev/null | tr '\n' ' ' || true)"

# The machine is shared: note every few seconds which other processes are busy, so a bad run can be explained.
( while kill -0 $$ 2>/dev/null; do
    # top's second frame: CPU use over the last 2 s (ps's %CPU is a lifetime average).
    top -b -c -d 2 -n 2 -w 512 | awk -v t="$(date +%T)" -v me="$MASTHEAD_PID" '
      /^top -/ { frame++ }
      frame == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 25 && $1 != me && $12 !~ /^(wrk|nginx|php-fpm|\/usr\/sbin\/mariadbd|top)/ {
        cmd = $12; for (i = 13; i <= NF; i++) cmd = cmd " " $i
        printf "%s\t%s\t%s\t%s\n", t, $1, $9, substr(cmd, 1, 100) }'
    sleep 3
  done > "$OUT/other-load.tsv" ) &
NOISE_PID=$!
trap 'kill "$NOISE_PID" 2>/dev/null || true; stop_masthead' EXIT

# Path by path, WordPress then Masthead straight after: both sides of each ratio see the machine as it was
# within the same minute or two, rather than one side early in the run and the other late.
for name in "${NAMES[@]}"; do
  grep -P "^$name\t" "$OUT/masthead-paths.tsv" > "$OUT/masthead-$name.tsv"
  if [ -n "$WP" ]; then
    grep -P "^$name\t" "$OUT/wordpress-paths.tsv" > "$OUT/wordpress-$name.tsv"
    log "WordPress $name"
    MEM_PIDS="$WP_PIDS" bash "$ANCHOR_DIR/bench.sh" "$WP_BASE" "$OUT/wordpress-$name.tsv" "$OUT/wordpress/$name"
  fi
  log "Masthead $name"
  MEM_PIDS="$MASTHEAD_PID" bash "$ANCHOR_DIR/bench.sh" "$MASTHEAD_BASE" "$OUT/masthead-$name.tsv" "$OUT/masthead/$name"
done
kill "$NOISE_PID" 2>/dev/null || true
# The same pages after the load, and no answer under load other than 2xx: otherwise the figures are not of pages.
NOT_REAL="$(real_pages "$MASTHEAD_BASE" "$OUT/masthead-paths.tsv")"
[ -z "$NOT_REAL" ] || die "refusing to report, after the load these were not the real pages: $NOT_REAL"
if grep -rl 'Non-2xx' "$OUT/masthead" "$OUT/wordpress" 2>/dev/null | grep -q .; then
  die "refusing to report: wrk saw non-2xx answers in $(grep -rl 'Non-2xx' "$OUT/masthead" "$OUT/wordpress" | head -3 | tr '\n' ' ')"
fi
# A server error during the run would make its req/s meaningless: keep the evidence.
grep -aE '^(fail|crit)|Exception' "$OUT/masthead.log" | head -5 || true

# --- 7. stop -----------------------------------------------------------------------------------------------
stop_masthead

# --- 8. compare --------------------------------------------------------------------------------------------
# bench.sh's summary.md rows are "| name | mode | median req/s | median p50 ms | median p99 ms | runs |".
summaries() { local n; for n in "${NAMES[@]}"; do [ -f "$OUT/$1/$n/summary.md" ] && echo "$OUT/$1/$n/summary.md"; done; }
mapfile -t WP_SUMMARIES < <(summaries wordpress)
mapfile -t MH_SUMMARIES < <(summaries masthead)
# Peak RSS over the whole run, from bench.sh's per-path mem.tsv (procs, rss_peak, rss_mean, ...).
peak_rss() { cat "$OUT/$1"/*/mem.tsv 2>/dev/null | awk -F'\t' '$1 ~ /^[0-9]+$/ { if ($2 > p) p = $2; if ($1 > n) n = $1 } END { if (p) printf "%.1f MiB over %d processes", p, n }'; }
{
  echo "# Masthead vs WordPress — $(date -u +'%F %T') UTC"
  echo
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(wrk -v 2>&1 | head -1 | cut -c1-40)"
  echo "- load at the start (1/5/15 min): $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg) — wrk, both servers and anything else share these cores"
  echo "- other busy processes (>= 25% CPU) seen during the run: $(cut -f4 "$OUT/other-load.tsv" | awk '{print $1, $2}' | sort | uniq -c | sort -rn | head -5 | awk '{n=$1; $1=""; printf "%s%s (%d samples)", sep, substr($0,2), n; sep="; "}' | grep . || echo none)"
  echo "- Masthead: $VERSION, Release, Production, SQLite, no output cache; WordPress: $([ -n "$WP" ] && echo "$WP_BASE (page and object caches off)" || echo "not measured")"
  echo "- wrk via $ANCHOR_DIR/bench.sh, path by path (WordPress, then Masthead): RUNS=${RUNS:-3} DURATION=${DURATION:-15s} MODES=\"${MODES:-c32 c1}\" (medians of the runs)"
  echo
  echo "| path | conns | WordPress req/s | WordPress p99 ms | Masthead req/s | Masthead p99 ms | Masthead / WordPress req/s | 50x target |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  # The first ${#WP_SUMMARIES[@]} files are WordPress's, the rest Masthead's.
  awk -F'|' -v nwp="${#WP_SUMMARIES[@]}" '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    FNR == 1 { file++ }
    FNR <= 2 { next }                                        # each file: header and separator rows
    { key = trim($2) SUBSEP trim($3) }
    file <= nwp { wr[key] = trim($4); w99[key] = trim($6); next }
    { order[++n] = key; mr[key] = trim($4); m99[key] = trim($6) }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, part, SUBSEP)
        ratio = (k in wr && wr[k] + 0 > 0) ? sprintf("%.1fx", mr[k] / wr[k]) : "–"
        target = "–"
        if ((part[1] == "home" || part[1] == "single-post") && ratio != "–")
          target = (mr[k] / wr[k] >= 50) ? "met" : "**missed**"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", part[1], substr(part[2], 2),
          (k in wr) ? wr[k] : "–", (k in w99) ? w99[k] : "–", mr[k], m99[k], ratio, target
      }
    }' "${WP_SUMMARIES[@]}" "${MH_SUMMARIES[@]}"
  echo
  echo "Target (issue 2): uncached single post and home each at least 50x WordPress's req/s, in the same run."
  echo "wrk counts a request still unanswered after 2 s as a timeout, so a p99 near 2,000 ms means \"2 s or more\"."
  echo
  echo "| side | path | HTTP status | bytes |"
  echo "|---|---|---|---:|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$OUT/page-sizes.tsv"
  echo
  [ -n "$WP" ] && echo "- WordPress (nginx + PHP-FPM + MariaDB) peak RSS under load: $(peak_rss wordpress)"
  echo "- Masthead peak RSS under load: $(peak_rss masthead)"
  for side in wordpress masthead; do  # "Socket errors: connect 0, read 0, write 0, timeout 66"
    [ -d "$OUT/$side" ] || continue
    cat "$OUT/$side"/*/*.run*.txt 2>/dev/null | awk -v s="$side" -F'[ ,]+' '/Socket errors/ { for (i = 4; i < NF; i += 2) e[$i] += $(i + 1) }
      END { printf "- %s wrk socket errors: connect %d, read %d, write %d, timeout %d\n", s, e["connect"], e["read"], e["write"], e["timeout"] }'
  done
  echo
  echo "Paths: \`masthead-paths.tsv\`, \`wordpress-paths.tsv\`; raw wrk output in \`wordpress/<path>/\` and \`masthead/<path>/\`;"
  echo "other processes busy during the run: \`other-load.tsv\`."
} > "$OUT/comparison.md"
cat "$OUT/comparison.md"
log "done: $OUT/comparison.md"
