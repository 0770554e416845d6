#!/usr/bin/env bash
# Builds the same synthetic register with `register` and with Hugo (Debian's
# package), alternating runs, cold (into a new folder) and as a rebuild over
# the previous output, and prints the medians and their ratio.
#
#   examples/bench/compare-hugo.sh [N] [WORKDIR] [RUNS]
#
# N defaults to 10000; WORKDIR to a folder on disk under target/ (pass
# /dev/shm/... for tmpfs); RUNS to 5. Needs `hugo` (apt-get install hugo).
# Hugo gets equivalent templates: one list page of all records and one page
# per record, each with its title, metadata and rendered Markdown.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
work=${2:-$PWD/target/bench-hugo}
runs=${3:-5}
command -v hugo >/dev/null || { echo "hugo is not installed: apt-get install hugo" >&2; exit 2; }
cargo build --release --quiet --example bench
cargo build --release --quiet
bin=$PWD/target/release/register
mkdir -p "$work"
work=$(cd "$work" && pwd)
corpus=$work/corpus-$n
if [ ! -f "$corpus/.complete" ]; then
  rm -rf "$corpus"
  target/release/examples/bench --generate "$corpus" "$n"
  touch "$corpus/.complete"
fi

# A minimal Hugo site over the same content folder.
site=$work/hugo-site
rm -rf "$site"
mkdir -p "$site/layouts/_default"
cat >"$site/hugo.toml" <<TOML
baseURL = "https://bench.example.org/"
title = "Benchmark register"
contentDir = "$corpus"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
TOML
cat >"$site/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat >"$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<h1>{{ .Params.id }}: {{ .Title }}</h1>
<dl><dt>Type</dt><dd>{{ .Params.type }}</dd><dt>Submitted</dt><dd>{{ .Params.submitted }}</dd>
<dt>Devices</dt><dd>{{ delimit (.Params.devices | default slice) ", " }}</dd></dl>
{{ .Content }}{{ end }}
HTML
cat >"$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><table>
{{ range .Site.RegularPages }}<tr><td>{{ .Params.id }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.type }}</td><td>{{ .Params.submitted }}</td></tr>
{{ end }}</table>{{ end }}
HTML
cp "$site/layouts/_default/list.html" "$site/layouts/index.html"

time_of() { # prints seconds of wall time for the command
  local start end
  sync # the previous run's dirty pages are flushed first, not into this run
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

reg_out=$work/register-public
hugo_out=$work/hugo-public
: >"$work/reg-cold"; : >"$work/reg-warm"; : >"$work/hugo-cold"; : >"$work/hugo-warm"
for i in $(seq "$runs"); do
  rm -rf "$reg_out" "$work/.register-public.register-spare" "$hugo_out"
  sync
  time_of "$bin" build --now 2026-11-25 --content "$corpus" --output "$reg_out" >>"$work/reg-cold"
  time_of hugo --quiet --source "$site" --destination "$hugo_out" >>"$work/hugo-cold"
  # register's steady state: after two builds a spare folder exists, and a
  # rebuild writes only what changed (Hugo's rebuild overwrites in place).
  "$bin" build --now 2026-11-25 --content "$corpus" --output "$reg_out" >/dev/null 2>&1
  time_of "$bin" build --now 2026-11-25 --content "$corpus" --output "$reg_out" >>"$work/reg-warm"
  time_of hugo --quiet --source "$site" --destination "$hugo_out" >>"$work/hugo-warm"
done
rc=$(median <"$work/reg-cold"); rw=$(median <"$work/reg-warm")
hc=$(median <"$work/hugo-cold"); hw=$(median <"$work/hugo-warm")
pages_reg=$(find "$reg_out" -name '*.html' | wc -l)
pages_hugo=$(find "$hugo_out" -name '*.html' | wc -l)
echo "corpus: $n requests in $corpus; output under $work; $runs runs each, alternating"
echo "| build | register (s) | hugo $(hugo version | grep -o 'v[0-9.]*' | head -1) (s) | hugo / register |"
echo "|---|---:|---:|---:|"
echo "| cold (new folder) | $rc | $hc | $(echo "$hc / $rc" | bc -l | xargs printf '%.1f')x |"
echo "| rebuild over previous output | $rw | $hw | $(echo "$hw / $rw" | bc -l | xargs printf '%.1f')x |"
echo "html pages: register $pages_reg (withheld records filtered out), hugo $pages_hugo (every record)"
