R=${R:-/tmp/register-attack4}
A=/tmp/attack4/a
# site DIR : creates DIR/content with site.toml
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
[device_names]
IHD = "In-Home Display"
T
}
# req DIR ID CLASS SUBMITTED [extra front matter lines via stdin]
req() {
  local d=$1 id=$2 cl=$3 sub=$4
  { echo '+++'; echo "id = \"$id\""; echo 'type = "sc-modification"'; echo "title = \"Title of $id\"";
    echo "classification = \"$cl\""; echo "submitted = $sub"; echo 'reasons = ["lessons-learned"]';
    cat; echo '+++'; echo; echo '## Issue'; echo; echo "Issue text for $id."; } > "$d/content/requests/$id.md"
}
# dec DIR NAME ; front matter on stdin, body after
dec() { { echo '+++'; cat; echo '+++'; echo; echo '## Summary'; echo; echo 'Decision text.'; } > "$1/content/decisions/$2.md"; }
PROP='[proposer]
organisation = "Org Ltd"
name = "Wilfred Ashby"
email = "wilfred.ashby@example.net"
[sponsor]
sec_party = "Supplier plc"
name = "Gideon Marsh"'
build() { (cd "$1" && $R build --content content --output public --now ${NOW:-2026-12-02} > build.log 2>&1; echo "exit $?" >> build.log); tail -1 "$1/build.log"; }
# hunt DIR canary... : grep contents and paths
hunt() { local d=$1; shift; local hit=0; for c in "$@"; do
  if [ -d "$d/public" ]; then
    grep -rIl -i -- "$c" "$d/public" | sed "s|^|  content-hit $c: |" && hit=1
    grep -ral -i -- "$c" "$d/public" >/dev/null && true
    find "$d/public" | grep -i -- "$c" | sed "s|^|  path-hit $c: |" && hit=1
  fi; done; return 0; }
H1='[[history]]
date = 2026-01-05
stage = "submitted"'
hist() { echo "[[history]]"; echo "date = $1"; echo "stage = \"$2\""; }
# g DIR pattern(egrep) : list files (and paths) matching
g() { local d=$1; shift; (cd $d/public && grep -rlE -i -- "$1" . ; find . | grep -E -i -- "$1" | sed 's/^/PATH /'); }
txt() { python3 - "$1" <<'E'
import re,html,sys
s=open(sys.argv[1]).read()
t=re.sub(r'<script.*?</script>|<style.*?</style>|<head.*?</head>','',s,flags=re.S)
t=re.sub(r'<[^>]+>',' ',t); t=html.unescape(re.sub(r'\s+',' ',t))
print(t)
E
}
try_scs() { site m0; { echo "affected_scs = [$1]"; echo "$PROP"; hist 2026-01-05 submitted; } | req m0 PUB-1 TLP:CLEAR 2026-01-05; build m0 >/dev/null; echo "[${1:0:60}] -> $(tail -1 m0/build.log) $(grep -m1 error: m0/build.log | cut -c1-200) | $(ls m0/public/mitigations 2>/dev/null| cut -c1-50 | tr '\n' ' ')"; }
snip() { site sn; { echo "$PROP"; hist 2026-01-05 submitted; } | req sn PUB-1 TLP:CLEAR 2026-01-05; { echo "$PROP" | sed 's/Wilfred Ashby/Zebedee Quill/; s/wilfred.ashby/zq/'; hist 2026-01-05 submitted; } | req sn HIDN-1 TLP:AMBER 2026-01-05
python3 - "$1" <<'E'
import sys
p='/tmp/attack4/a/sn/content/requests/PUB-1.md'; s=open(p).read()
s=s.replace('Issue text for PUB-1.', sys.argv[1]); open(p,'w').write(s)
E
build sn >/dev/null; echo "$(tail -1 sn/build.log) $(grep -m1 error: sn/build.log | cut -c1-120)"; python3 -c "
import json; d=json.load(open('/tmp/attack4/a/sn/public/search-index.json'))
for x in d: print(repr(x['snippet'][-40:]), len(x['snippet']))" 2>/dev/null; }
