#!/bin/bash
# Re-runs the minimal reproductions of ATTACK-ROUND2.md.
# Usage: repro.sh [path/to/register]
# Prints, per case, "LEAK" when the bug reproduces (for cases that are not
# leaks the case name says what it is: WRONG-, CRASH-, HANG-, LOSS-, XSS-),
# or "ok" when it does not.
B=${1:-/tmp/register-attack2}
W=${W:-/tmp/attack2/r}; mkdir -p $W; cd $W || exit 2
export LC_ALL=C
pass=0; fail=0
u(){ python3 -c "import sys; sys.stdout.buffer.write(sys.argv[1].encode('ascii').decode('unicode_escape').encode('utf-8'))" "$1"; }

# mk DIR: the minimal site of the report; body of PUB-1 from stdin
mk(){ D=$1; rm -rf $D; mkdir -p $D/content/requests
cat > $D/content/site.toml <<'T'
title = "Register"
base_url = "https://reg.example.org"
T
cat > $D/content/requests/HID-1.md <<'T'
+++
id = "HID-1"
type = "sc-modification"
title = "Withheld"
classification = "TLP:AMBER"
submitted = 2024-01-01
reasons = ["lessons-learned"]
[proposer]
organisation = "Org"
name = "Gideon Marsh"
[[history]]
date = 2024-01-01
stage = "submitted"
+++
Secret.
T
{ cat <<'T'
+++
id = "PUB-1"
type = "sc-modification"
title = "Public"
classification = "TLP:WHITE"
submitted = 2024-01-01
reasons = ["lessons-learned"]
[proposer]
organisation = "Org"
name = "Wilfred Ashby"
email = "wilfred.ashby@example.net"
[[history]]
date = 2024-01-01
stage = "submitted"
+++
T
cat; } > $D/content/requests/PUB-1.md; }

# mkatt DIR FILE: PUB-1 as a folder record listing FILE (TLP:CLEAR); bytes of FILE from stdin
mkatt(){ D=$1; echo "See the attachment." | mk $D; r=$D/content/requests; mkdir $r/PUB-1
  awk -v fn="$2" 'BEGIN{n=0} /^\+\+\+$/{n++; if(n==2){print "[[attachments]]"; print "file = \"" fn "\""; print "title = \"Notes\""; print "classification = \"TLP:CLEAR\""}} {print}' $r/PUB-1.md > $r/PUB-1/index.md; rm $r/PUB-1.md
  cat > "$r/PUB-1/$2"; }

rm -f $W/results
report(){ # name verdict-bool detail
  if [ "$2" = 1 ]; then echo "LEAK  $1: $3"; echo LEAK >> $W/results; else echo "ok    $1 $3"; echo ok >> $W/results; fi; }

# check NAME PATTERN: build the site in $W/x-NAME (made by the caller), LEAK when exit 0 and PATTERN is in an output byte or path
built(){ name=$1; pat=$2; d=$W/x-$name; [ -n "$PRE" ] && (cd $d/content && eval "$PRE")
  (cd $d && timeout 120 $B build --now 2024-06-01 $ARGS >$d/out.txt 2>&1); rc=$?
  hits=$(cd $d && { grep -rlai -e "$pat" public 2>/dev/null; find public 2>/dev/null | grep -i -e "$pat"; } | head -3 | tr '\n' ' ')
  [ $rc = 0 ] && [ -n "$hits" ] && report $name 1 "$hits" || report $name 0 "(rc=$rc)"; }
check(){ mk $W/x-$1; built "$@"; }
checkatt(){ n=$1; f=$2; pat=$3; mkatt $W/x-$n "$f"; built $n "$pat"; }

# ---- Body: reordering, Unicode separators, glued characters ----
u 'See <bdi>\u200f1-HID</bdi> now.\n' | check bdi-rlm-id '1-HID'
u 'Mail <bdi>\u200fexample.com  \u200f@\u200f  jo.bloggs</bdi> now.\n' | check bdi-rlm-email 'jo.bloggs'
u 'See HID\u20111 and HID\u22121 here.\n' | check id-unicode-hyphen 'HID.\{1,3\}1 here'
u 'By Wilfred\ufff9Ashby here.\n' | check name-invisible-fff9 'Wilfred.\{3\}Ashby'
u 'By Wilfred\u058aAshby here.\n' | check name-armenian-hyphen 'Wilfred.\{2\}Ashby'
u 'As noted in HID-1\u00b9 and by Wilfred Ashby\u00b2.\n' | check glued-superscript 'HID-1\|Wilfred Ashby'
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Siobhan O\\\\u02bcBrien\"/' requests/PUB-1.md" check declared-modifier-apostrophe 'Siobhan O' <<< "By Siobhan O'Brien."
# ---- Name forms ----
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Wilfred Ashby, CTO\"/' requests/PUB-1.md" check nameform-comma-role 'Wilfred Ashby' <<< "By Wilfred Ashby."
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Wilfred J. Ashby\"/' requests/PUB-1.md" check nameform-middle-initial 'Wilfred Ashby' <<< "By Wilfred Ashby."
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Wilfred Ashby and Ann Other\"/' requests/PUB-1.md" check nameform-two-people 'Ann Other' <<< "Spoke to Ann Other."
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Cllr Wilfred Ashby MBE\"/' requests/PUB-1.md" check nameform-title-postnominal 'Wilfred Ashby' <<< "By Wilfred Ashby."
# ---- Contact forms ----
printf 'Call 07700\n900123 today.\n' | check phone-soft-break '900123'
printf 'Call 01632 960123 / 960124.\n' | check phone-with-extension '01632 960123'
printf 'Mail jo.bloggs\n@ example.com today.\n' | check email-soft-break 'jo.bloggs'
printf 'Mail jo.bloggs [at] example [dot] com today.\n' | check email-at-dot-brackets 'bloggs \[at\]'
printf 'Mail jo.bloggs at example.com today.\n' | check email-at-word 'bloggs at example'
u 'Mail jo.bloggs@example\u3002com today.\n' | check email-ideographic-dot 'bloggs@example'
# ---- Search index ----
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Zoe Abbott\"/' requests/PUB-1.md" check search-index-sorted-join 'Zoe;abbott' <<< "Zoe Wanamaker acted; later abbott."
check search-index-reversed-name 'Ashby;Wilfred' <<< "Wilfred went to Ashby."
# ---- Attachments: markup read as a browser shows it ----
printf '<p>By Wilfred&nbspAshby, mail jo.bloggs&#64example.com</p>\n' | checkatt att-html-ref-no-semicolon n.html 'Wilfred&nbspAshby'
printf '<p>By Wilfred&NonBreakingSpace;Ashby</p>\n' | checkatt att-html-named-entity n.html 'NonBreakingSpace'
printf '<p>See <bdo dir="rtl">1-DIH</bdo></p>\n' | checkatt att-html-bdo n.html 'bdo dir'
printf '<svg xmlns="http://www.w3.org/2000/svg"><text y="20">HID<![CDATA[-1]]> by Wilfred <![CDATA[Ashby]]></text></svg>\n' | checkatt att-svg-cdata n.svg 'CDATA'
printf '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="60"><text x="300" y="40" direction="rtl" unicode-bidi="bidi-override">1-DIH</text></svg>\n' | checkatt att-svg-bidi-override n.svg '1-DIH'
printf '%s\n' '<html><style>p::after{content:"\48 ID-1, by \57 ilfred Ashby, jo.bloggs\40 example.com"}</style><p>x</p></html>' | checkatt att-html-css-content n.html 'ID-1'
printf '%s\n' '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY h "HID"><!ENTITY w "Wilfred">]><svg xmlns="http://www.w3.org/2000/svg"><text y="40">&h;-1 by &w; Ashby</text></svg>' | checkatt att-svg-dtd-entity n.svg 'ENTITY'
printf '%s\n' '<svg xmlns="http://www.w3.org/2000/svg"><text y="40"><tspan x="62">-1</tspan><tspan x="0">HID</tspan></text></svg>' | checkatt att-svg-tspan-order n.svg 'tspan'
# ---- Attachments: binary ----
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Zoë Ashby\"/' requests/PUB-1/index.md" checkatt att-pdf-xmp-utf8 n.pdf 'rdf:li>Zo' < <(printf '%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Metadata/Subtype/XML>>stream\n<dc:creator><rdf:Seq><rdf:li>Zo\xc3\xab Ashby</rdf:li></rdf:Seq></dc:creator>\nendstream\n')
checkatt att-pdf-hex-string n.pdf 'FEFF0057' < <(python3 -c "import sys; sys.stdout.buffer.write(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Author <'+'\ufeffWilfred Ashby'.encode('utf-16-be').hex().upper().encode()+b'> /Subject <'+b'HID-1'.hex().encode()+b'>>>\nendobj\n')")
PRE="sed -i 's/name = \"Wilfred Ashby\"/name = \"Tomáš Dvořák\"/' requests/PUB-1/index.md" checkatt att-pdf-utf16-non-latin1 n.pdf 'Author (' < <(python3 -c "import sys; sys.stdout.buffer.write(b'%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Author ('+'\ufeffTomáš Dvořák'.encode('utf-16-be')+b')>>\nendobj\n')")
printf 'BEGIN:VCARD\nFN:Jo Bl\xf6ggs\nTEL:07700 900123\nEMAIL:jo.bloggs@example.com\nEND:VCARD\n' | checkatt att-latin1-vcard contact.vcf 'jo.bloggs@example.com'
python3 -c "import sys; sys.stdout.buffer.write('Meeting with Gideon Marsh about HID-1.\n'.encode('utf-32'))" | checkatt att-utf32 notes.dat 'notes.dat'
# ---- Attachments: scripts published (XSS on the register's origin where no CSP header is sent) ----
printf '%s\n' '<svg xmlns="http://www.w3.org/2000/svg" xmlns:é="http://www.w3.org/2000/svg"><é:script>alert(document.domain)</é:script></svg>' | checkatt XSS-svg-prefixed-script n.svg 'alert(document.domain)'
printf '%s\n' '<iframe srcdoc="&LT;script&GT;alert(parent.document.domain)&LT;/script&GT;"></iframe>' | checkatt XSS-html-srcdoc-LT n.html 'srcdoc'
printf '%s\n' '<a href="java&Tab;script:alert(document.domain)">click</a>' | checkatt XSS-html-tab-entity-scheme n.html 'Tab;script'
# ---- site.toml / --base-url ----
PRE="sed -i 's#^base_url = .*#base_url = \"https://reg.example.org/%48ID-1/Wilfred%20Ashby/\"#' site.toml" check base-url-percent-encoded '%48ID-1' <<< "x"
# ---- Records the build does not read ----
PRE="mkdir requests/.archive && mv requests/HID-1.md requests/.archive/" check hidden-folder-in-requests 'Gideon Marsh' <<< "Spoke to Gideon Marsh."
PRE="mkdir .drafts && mv requests/HID-1.md .drafts/" check hidden-folder-in-content 'Gideon Marsh' <<< "Spoke to Gideon Marsh."
# ---- Unscreened channels ----
mk $W/x-template-override <<< "x"; mkdir -p $W/x-template-override/templates
python3 - "$W/x-template-override/templates/404.html" <<'P'
import sys
s=open('/work/main/themes/default/templates/404.html').read(); i=s.rfind('{% endblock')
open(sys.argv[1],'w').write(s[:i]+'<p>Contact Gideon Marsh on 07700 900123 about HID-1 <!-- TLP:RED --> red text <!-- /TLP --></p>\n'+s[i:])
P
built template-override 'Contact Gideon Marsh'
mk $W/x-theme-static-binary <<< "x"; mkdir -p $W/x-theme-static-binary/themes; cp -r /work/main/themes/default $W/x-theme-static-binary/themes/
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x1btEXtAuthor\x00Gideon Marsh HID-1\x00\xff\xfe' > $W/x-theme-static-binary/themes/default/static/logo.png
built theme-static-binary 'Gideon Marsh HID-1'
mkdir -p $W/x-theme-static-binary/themes/default/static/reports/PUB-1; echo '<p>Stale report: the SSC rejected it</p>' > $W/x-theme-static-binary/themes/default/static/reports/PUB-1/index.html
rm -f $W/x-theme-static-binary/themes/default/static/logo.png
built theme-static-stale-report 'Stale report'
# ---- A withheld draft without its id line ----
mk $W/x-withheld-without-id <<< "Compare HID-1 here."; sed -i '/^id = "HID-1"/d' $W/x-withheld-without-id/content/requests/HID-1.md
built withheld-without-id 'Compare HID-1'
# ---- Fail-open: one withheld record with a long name disables every name search ----
mk $W/x-name-regex-fail-open <<< "Body mentions Wilfred Ashby here."
python3 - $W/x-name-regex-fail-open/content/requests <<'P'
import sys
d=sys.argv[1]; s=open(d+'/HID-1.md').read()
open(d+'/HID-2.md','w').write(s.replace('id = "HID-1"','id = "HID-2"').replace('name = "Gideon Marsh"','name = "'+'Qz'*750000+' Marsh"'))
P
built name-regex-fail-open 'Wilfred Ashby'
# ---- Messages: personal data in CI logs and in serve's status ----
mk $W/x-ci-log-extra-key <<< "x"
python3 - $W/x-ci-log-extra-key/content/requests/PUB-1.md <<'P'
import sys
p=sys.argv[1]; s=open(p).read()
s=s.replace('+++\nx','[extra."Gideon Marsh 07700 900999"]\nnote = "see <!-- TLP:RED --> here"\n+++\nx')
open(p,'w').write(s)
P
out=$(cd $W/x-ci-log-extra-key && $B check --format github 2>&1)
echo "$out" | grep -q 'Gideon Marsh' && report ci-log-extra-key-path 1 "$(echo "$out" | grep -o '`extra.Gideon[^`]*`' | head -1)" || report ci-log-extra-key-path 0 ""
mk $W/x-ci-log-site-extra <<< "x"; printf '[extra."Gideon Marsh 07700 900999"]\nx = "a <!-- TLP:RED --> b"\n' >> $W/x-ci-log-site-extra/content/site.toml
out=$(cd $W/x-ci-log-site-extra && $B check --format github 2>&1)
echo "$out" | grep -q '`extra.Gideon' && report ci-log-site-toml-extra-key-path 1 "$(echo "$out" | grep -o '`extra.Gideon[^`]*`' | head -1)" || report ci-log-site-toml-extra-key-path 0 ""
# ---- Output folder: the lock file is written through a symbolic link ----
mk $W/x-LOSS-lock-symlink <<< "x"; echo "precious data" > $W/victim-lock.txt
ln -s $W/victim-lock.txt $W/x-LOSS-lock-symlink/.public.register-lock
(cd $W/x-LOSS-lock-symlink && $B build --now 2024-06-01 >/dev/null 2>&1)
grep -q precious $W/victim-lock.txt && report LOSS-lock-symlink 0 "" || report LOSS-lock-symlink 1 "victim-lock.txt now holds: $(cat $W/victim-lock.txt)"
# ---- Wrong results ----
mkdec(){ D=$1; echo "Body." | mk $D
  sed -i 's/^\[\[history\]\]$/[sponsor]\nsec_party = "Supplier"\n\n[[history]]/' $D/content/requests/PUB-1.md
  sed -i '0,/^stage = "submitted"$/s//stage = "submitted"\n\n[[history]]\ndate = '"${DDATE:-2024-02-01}"'\nstage = "decided"/' $D/content/requests/PUB-1.md
  mkdir -p $D/content/decisions; }
mkdec $W/x-WRONG-two-finals
printf '+++\nrequest = "PUB-1"\nclassification = "TLP:WHITE"\ndate = 2024-02-01\nkind = "final"\noutcome = "approved"\nsc_version = "1.3"\nimplementation_date = 2024-03-01\n+++\nReport.\n' > $W/x-WRONG-two-finals/content/decisions/PUB-1-final.md
printf '+++\nrequest = "PUB-1"\nclassification = "TLP:AMBER"\nkind = "final"\noutcome = "withdrawn"\n+++\nActually withdrawn.\n' > $W/x-WRONG-two-finals/content/decisions/PUB-1-final-b.md
(cd $W/x-WRONG-two-finals && $B build --now 2024-06-01 >/dev/null 2>&1); rc=$?
[ $rc = 0 ] && report WRONG-two-finals-one-incomplete 1 "exit 0, status $(grep -o '"status": *"[^"]*"' $W/x-WRONG-two-finals/public/register.json)" || report WRONG-two-finals-one-incomplete 0 "(rc=$rc)"
mk $W/x-WRONG-withheld-not-listed <<< "x"; sed -i '/^title = /d' $W/x-WRONG-withheld-not-listed/content/requests/HID-1.md
out=$(cd $W/x-WRONG-withheld-not-listed && $B check --withheld 2>&1)
echo "$out" | grep -q '0 things withheld' && report WRONG-withheld-not-listed 1 "$(echo "$out" | tail -1)" || report WRONG-withheld-not-listed 0 ""
DDATE=2024-09-01 mkdec $W/x-WRONG-future-decision
printf '+++\nrequest = "PUB-1"\nclassification = "TLP:WHITE"\ndate = 2024-09-01\nkind = "final"\noutcome = "rejected"\n+++\nReport.\n' > $W/x-WRONG-future-decision/content/decisions/PUB-1-final.md
(cd $W/x-WRONG-future-decision && $B build --now 2024-06-01 >/dev/null 2>&1)
grep -q '"status": *"rejected"' $W/x-WRONG-future-decision/public/register.json 2>/dev/null && report WRONG-future-decision 1 "status rejected on 2024-06-01 for a decision of 2024-09-01" || report WRONG-future-decision 0 ""
printf 'plain\n' | mkatt $W/x-WRONG-withheld-file-name other.txt; h=$W/x-WRONG-withheld-file-name/content/requests; mkdir $h/HID-1; mv $h/HID-1.md $h/HID-1/index.md
sed -i '0,/^+++$/!{0,/^+++$/s/^+++$/[[attachments]]\nfile = "triage-notes.pdf"\ntitle = "N"\nclassification = "TLP:AMBER"\n+++/}' $h/HID-1/index.md; echo secret > $h/HID-1/triage-notes.pdf
sed -i 's/^See the attachment./The SSC published its triage notes (PDF) today./' $h/PUB-1/index.md
(cd $W/x-WRONG-withheld-file-name && $B build --now 2024-06-01 >out.txt 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'names an attachment that is not published' $W/x-WRONG-withheld-file-name/out.txt && report WRONG-withheld-file-name-false-positive 1 "prose 'triage notes (PDF)' refused" || report WRONG-withheld-file-name-false-positive 0 "(rc=$rc)"
mk $W/x-WRONG-device-case <<< "x"; d=$W/x-WRONG-device-case/content; cp $d/requests/PUB-1.md $d/requests/PUB-2.md
sed -i 's/^id = "PUB-1"/id = "PUB-2"/; s/Wilfred Ashby/Ann Other/; s/wilfred.ashby@example.net/ann@example.net/; s/^reasons = .*/reasons = ["lessons-learned"]\ndevices = ["ihd"]/' $d/requests/PUB-2.md
sed -i 's/^reasons = .*/reasons = ["lessons-learned"]\ndevices = ["IHD"]/' $d/requests/PUB-1.md; printf 'devices = ["IHD", "ihd"]\n' >> $d/site.toml
(cd $W/x-WRONG-device-case && $B build --now 2024-06-01 >/dev/null 2>&1); rc=$?
n=$(grep -o 'PUB-[12]' $W/x-WRONG-device-case/public/devices/ihd/index.html 2>/dev/null | sort -u | wc -l)
[ $rc = 0 ] && [ "$n" = 1 ] && report WRONG-device-case-collision 1 "/devices/ihd/ lists 1 of 2 requests" || report WRONG-device-case-collision 0 "(rc=$rc, $n)"
# ---- Crash ----
u 'See \u202e1-DIH\u202c here.\n' | mk $W/x-CRASH-direction-override
(cd $W/x-CRASH-direction-override && $B build --now 2024-06-01 >/dev/null 2>&1); rc=$?
[ $rc = 101 ] && report CRASH-direction-override-in-body 1 "exit 101 (panic at published.rs:397)" || report CRASH-direction-override-in-body 0 "(rc=$rc)"
# ---- serve stops rebuilding for good after that panic, and says there are no errors ----
mk $W/x-WRONG-serve-dead-watcher <<< "fine body"
(cd $W/x-WRONG-serve-dead-watcher && exec $B serve --port 18977 --now 2024-06-01 >serve.log 2>&1) & sp=$!
sleep 2; u 'See \u202e1-DIH\u202c here.\n' >> $W/x-WRONG-serve-dead-watcher/content/requests/PUB-1.md; sleep 3
sed -i 's/^See.*here.$/Call Gideon Marsh./; s/^title = "Public"/title = "Changed"/' $W/x-WRONG-serve-dead-watcher/content/requests/PUB-1.md; sleep 4
st=$(curl -s -H 'Host: 127.0.0.1:18977' http://127.0.0.1:18977/__register/status)
tt=$(curl -s -H 'Host: 127.0.0.1:18977' http://127.0.0.1:18977/requests/PUB-1/ | grep -o '<title>[^<]*')
kill $sp 2>/dev/null; wait $sp 2>/dev/null
echo "$st" | grep -q '"errors":\[\]' && report WRONG-serve-dead-watcher 1 "status $st, page $tt" || report WRONG-serve-dead-watcher 0 "$st"
# ---- Denial of service ----
python3 -c "print('a-'*8000 + 'a')" | mk $W/x-HANG-hyphens
s=$(date +%s.%N); (cd $W/x-HANG-hyphens && timeout 120 $B check >/dev/null 2>&1); t=$(echo "$(date +%s.%N) - $s" | bc)
[ $(echo "$t > 5" | bc) = 1 ] && report HANG-hyphenated-word-cubic 1 "16 KB body: ${t}s (x2 length = x8 time)" || report HANG-hyphenated-word-cubic 0 "${t}s"
python3 -c "print('0 '*80000)" | mk $W/x-HANG-zeros
s=$(date +%s.%N); (cd $W/x-HANG-zeros && timeout 120 $B check >/dev/null 2>&1); t=$(echo "$(date +%s.%N) - $s" | bc)
[ $(echo "$t > 2" | bc) = 1 ] && report HANG-phone-scan-quadratic 1 "160 KB body: ${t}s (x2 length = x4 time)" || report HANG-phone-scan-quadratic 0 "${t}s"
echo "$(grep -c LEAK $W/results) reproduced, $(grep -c ok $W/results) not"
