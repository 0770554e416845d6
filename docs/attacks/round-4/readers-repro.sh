#!/usr/bin/env bash
# Round 4, part A: reader-facing features. Usage: repro.sh /path/to/register
# Prints "LEAK <name>" when the finding reproduces (also for WRONG-STATUS /
# FALSE-POSITIVE / other findings: "LEAK" here means "the bug is still there"),
# "ok <name>" when it does not.
R=${1:-/tmp/register-attack4}
W=${W:-/tmp/attack4/a/repro-work}
NOW=2026-12-02
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 2

site() {
  rm -rf "$1"; mkdir -p "$1/content/requests" "$1/content/decisions"
  cat > "$1/content/site.toml" <<T
title = "Test register"
base_url = "https://reg.example.org"
description = "Test"
owner = "SSC"
language = "en-GB"
theme = "default"
devices = ["IHD"]
request_feeds = true
T
}
PROP='[proposer]
organisation = "Org Ltd"
name = "Wilfred Ashby"
email = "wilfred.ashby@example.net"
[sponsor]
sec_party = "Supplier plc"
name = "Gideon Marsh"'
hist() { printf '[[history]]\ndate = %s\nstage = "%s"\n' "$1" "$2"; }
# req DIR ID CLASS SUBMITTED  (extra front matter on stdin)
req() {
  { echo '+++'; echo "id = \"$2\""; echo 'type = "sc-modification"'; echo "title = \"Title of $2\"";
    echo "classification = \"$3\""; echo "submitted = $4"; echo 'reasons = ["lessons-learned"]';
    cat; echo '+++'; echo; echo '## Issue'; echo; echo "Issue text for $2."; } > "$1/content/requests/$2.md"
}
# dec DIR NAME  (front matter on stdin)
dec() { { echo '+++'; cat; echo '+++'; echo; echo '## Summary'; echo; echo 'Decision text.'; } > "$1/content/decisions/$2.md"; }
build() { (cd "$1" && "$R" build --content content --output public --now $NOW > build.log 2>&1; echo $? > rc); cat "$1/rc"; }
text() { python3 - "$1" <<'E'
import re,html,sys
s=open(sys.argv[1]).read()
t=re.sub(r'<script.*?</script>|<style.*?</style>|<head.*?</head>','',s,flags=re.S)
t=re.sub(r'<[^>]+>',' ',t); print(html.unescape(re.sub(r'\s+',' ',t)))
E
}
verdict() { if [ "$2" = 1 ]; then echo "LEAK $1"; else echo "ok $1"; fi; }

# ---- W1: an interim decision dated after the build date shows as "deferred"
site w1
{ echo "$PROP"; hist 2026-01-05 submitted; hist 2026-02-01 triage; } | req w1 FUT-4 TLP:CLEAR 2026-01-05
printf 'request = "FUT-4"\nclassification = "TLP:CLEAR"\ndate = 2026-12-22\nkind = "interim"\noutcome = "deferred"\n' | dec w1 FUT-4-interim
rc=$(build w1); hit=0
[ "$rc" = 0 ] && text w1/public/requests/FUT-4/index.html | grep -q 'Triage (deferred) since 22 December 2026' && hit=1
verdict W1-future-interim-shows-deferred $hit

# ---- W2: a stage dated after the build date sets "since" / "Last updated" (negative day counts)
site w2
{ echo "$PROP"; hist 2026-01-05 submitted; hist 2026-12-20 triage; } | req w2 FUT-1 TLP:CLEAR 2026-01-05
rc=$(build w2); hit=0
[ "$rc" = 0 ] && text w2/public/requests/FUT-1/index.html | grep -qE 'since 20 December 2026|\(-[0-9]+ days\)|Last updated 20 December 2026' && hit=1
verdict W2-future-stage-sets-since-and-last-updated $hit

# ---- W3: a final decision dated after the build date: status "Triage" yet outcome "Approved",
#          report page, /versions/7.7/, CSV outcome, statistics median
site w3
{ echo "$PROP"; hist 2026-01-05 submitted; hist 2026-02-01 triage; hist 2026-12-21 decided; } | req w3 FUT-2 TLP:CLEAR 2026-01-05
printf 'request = "FUT-2"\nclassification = "TLP:CLEAR"\ndate = 2026-12-21\nkind = "final"\noutcome = "approved"\nsc_version = "7.7"\nimplementation_date = 2027-02-02\n' | dec w3 FUT-2-final
rc=$(build w3); hit=0
if [ "$rc" = 0 ]; then
  t=$(text w3/public/requests/FUT-2/index.html)
  echo "$t" | grep -q 'Status Triage' && echo "$t" | grep -q 'Outcome Approved Decided 21 December 2026' && hit=1
  [ -d w3/public/versions/7.7 ] && [ -d w3/public/reports/FUT-2 ] && grep -q '^FUT-2,.*,triage,.*,approved,2026-12-21,' w3/public/register.csv && hit=1
fi
verdict W3-future-final-decision-outcome-published $hit

# ---- W4: decided stage in the past, public final decision dated after the build date:
#          status "Decided" (= "decision not published"), statistics count it as not published,
#          while the page, the report and the CSV publish outcome "rejected"
site w4
{ echo "$PROP"; hist 2026-01-05 submitted; hist 2026-02-01 triage; hist 2026-11-01 decided; } | req w4 PUB-2 TLP:CLEAR 2026-01-05
printf 'request = "PUB-2"\nclassification = "TLP:CLEAR"\ndate = 2026-12-20\nkind = "final"\noutcome = "rejected"\n' | dec w4 PUB-2-final
rc=$(build w4); hit=0
if [ "$rc" = 0 ]; then
  text w4/public/statistics/index.html | grep -q 'Decision not published 1' && \
  text w4/public/requests/PUB-2/index.html | grep -q 'Status Decided Outcome Rejected' && hit=1
fi
verdict W4-future-final-status-decided-but-outcome-shown $hit

# ---- W5: a request submitted after the build date is listed as "Submitted" (since a future date)
site w5
{ echo "$PROP"; hist 2027-01-10 submitted; } | req w5 FUT-3 TLP:CLEAR 2027-01-10
{ echo 'supersedes = ["FUT-3"]' >/dev/null; echo "$PROP"; hist 2026-01-05 submitted; } | req w5 PUB-1 TLP:CLEAR 2026-01-05
rc=$(build w5); hit=0
[ "$rc" = 0 ] && text w5/public/requests/FUT-3/index.html | grep -q 'Submitted since 10 January 2027' && [ -d w5/public/years/2027 ] && hit=1
verdict W5-future-submission-listed-as-submitted $hit

# ---- L1: a withheld request id shaped like a mitigation page ("VER-7") is published as a
#          folder name, in hrefs and in the sitemap when a public request affects "VER 7"
site l1
{ echo 'affected_scs = ["VER 7"]'; echo "$PROP"; hist 2026-01-05 submitted; } | req l1 PUB-1 TLP:CLEAR 2026-01-05
{ echo "$PROP"; hist 2026-01-05 submitted; } | req l1 VER-7 TLP:AMBER 2026-01-05
rc=$(build l1); hit=0
if [ "$rc" = 0 ]; then
  { find l1/public | grep -q 'VER-7' || grep -rq 'VER-7' l1/public; } && hit=1
fi
verdict L1-withheld-id-as-mitigation-path $hit

# ---- P1: a withheld request whose id is written in the built-in theme's search.js comments
#          (SCMR-2019-004, urc-2020-002, DEV-3.2) cannot be built: the error points at
#          static/search.js, a file the keeper does not have
for id in SCMR-2019-004 URC-2020-002 DEV-3; do
  site p1
  { echo "$PROP"; hist 2026-01-05 submitted; } | req p1 PUB-1 TLP:CLEAR 2026-01-05
  { echo "$PROP"; hist 2026-01-05 submitted; } | req p1 $id TLP:AMBER 2026-01-05
  rc=$(build p1); hit=0
  [ "$rc" = 1 ] && grep -q "static/search.js.*$id" p1/build.log && hit=1
  verdict P1-false-positive-builtin-search-js-$id $hit
done

# ---- M1: "DEV 01.2", "DEV 1.2", "DEV 1.02" share one page: the list says 3 requests, the page
#          lists 1, two request pages link to pages that do not exist
site m1
{ echo 'affected_scs = ["DEV 01.2"]'; echo "$PROP"; hist 2026-01-05 submitted; } | req m1 PUB-1 TLP:CLEAR 2026-01-05
{ echo 'affected_scs = ["DEV 1.2"]'; echo "$PROP"; hist 2026-01-05 submitted; } | req m1 PUB-2 TLP:CLEAR 2026-01-05
{ echo 'affected_scs = ["DEV 1.02"]'; echo "$PROP"; hist 2026-01-05 submitted; } | req m1 PUB-3 TLP:CLEAR 2026-01-05
rc=$(build m1); hit=0
if [ "$rc" = 0 ]; then
  for p in PUB-1 PUB-2 PUB-3; do
    for h in $(grep -o 'href="/mitigations/[^"]*"' m1/public/requests/$p/index.html | sed 's/href="//; s/"$//'); do
      [ -f "m1/public${h}index.html" ] || hit=1
    done
  done
fi
verdict M1-mitigation-leading-zero-collision $hit

# ---- M2: an over-long mitigation reference fails the build with an I/O error (exit 2)
#          that names no file:line:column
site m2
long=$(python3 -c "print('1'*300+'.1')")
{ echo "affected_scs = [\"DEV $long\"]"; echo "$PROP"; hist 2026-01-05 submitted; } | req m2 PUB-1 TLP:CLEAR 2026-01-05
rc=$(build m2); hit=0
[ "$rc" = 2 ] && hit=1
verdict M2-overlong-mitigation-ref-exit-2 $hit
