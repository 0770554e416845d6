#!/bin/bash
# Re-runs the minimal reproductions of ATTACK-ROUND3.md.
# Usage: repro.sh [path/to/register]
# Prints per case "LEAK" when the bug reproduces (for cases that are not leaks
# the case name says what it is: HANG-, FP-), or "ok" when it does not.
B=${1:-/tmp/register-attack3}
T=${T:-$(cd "$(dirname "$0")" && pwd)/tools}                      # pdf.py office.py png.py (generators)
W=${W:-/tmp/attack3/r3}; mkdir -p $W; cd $W || exit 2
export LC_ALL=C.UTF-8
rm -f $W/results
u(){ python3 -c "import sys; sys.stdout.buffer.write(sys.argv[1].encode('ascii').decode('unicode_escape').encode('utf-8'))" "$1"; }
mk(){ D=$1; rm -rf $D; mkdir -p $D/content/requests
printf 'title = "Register"\nbase_url = "https://reg.example.org"\n' > $D/content/site.toml
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
mkatt(){ D=$1; echo "See the attachment." | mk $D; r=$D/content/requests; mkdir $r/PUB-1
  awk -v fn="$2" 'BEGIN{n=0} /^\+\+\+$/{n++; if(n==2){print "[[attachments]]"; print "file = \"" fn "\""; print "title = \"Notes\""; print "classification = \"TLP:CLEAR\""}} {print}' $r/PUB-1.md > $r/PUB-1/index.md; rm $r/PUB-1.md
  cat > "$r/PUB-1/$2"; }
report(){ if [ "$2" = 1 ]; then echo "LEAK  $1: $3"; echo LEAK >> $W/results; else echo "ok    $1 $3"; echo ok >> $W/results; fi; }
# built NAME PATTERN: LEAK when build exits 0 and PATTERN (grep -F) is in an output byte or path
built(){ name=$1; pat=$2; d=$W/x-$name; [ -n "$PRE" ] && (cd $d/content && eval "$PRE")
  (cd $d && timeout 120 $B build --now 2024-06-01 >$d/out.txt 2>&1); rc=$?
  hits=$(cd $d && { grep -rlaF -e "$pat" public 2>/dev/null; find public 2>/dev/null | grep -F -e "$pat"; } | head -3 | tr '\n' ' ')
  [ $rc = 0 ] && [ -n "$hits" ] && report $name 1 "$hits" || report $name 0 "(rc=$rc)"; }
check(){ mk $W/x-$1; built "$@"; }
checkatt(){ n=$1; f=$2; mkatt $W/x-$n "$f"; built $n "requests/PUB-1/$f"; }
name(){ echo "sed -i 's/name = \"Wilfred Ashby\"/name = \"$1\"/' requests/PUB-1.md"; }

# ---- 1. Manifest (register-manifest.json) ----
python3 -c "print('x'*74 + ' HID-12 more words here.')" | check manifest-excerpt-cuts-to-withheld-id 'HID-1"'
python3 -c "print('y'*66 + ' Wilfred Ashbyson more words.')" | check manifest-excerpt-cuts-to-declared-name 'Wilfred Ashby"'
printf 'Table:\n\n| a | b |\n|---|---|\n| 07700 | 900123 |\n' | check manifest-table-row-joins-phone '"07700 900123"'
printf '<details><summary>07700</summary>\n\n900123\n\n</details>\n' | check manifest-details-summary-joins-phone '"07700 900123"'
# ---- 2. Publication diff prints a newly withheld passage (CI log) ----
printf 'Para one public.\n\nSecond para about the attack path here.\n' | mk $W/x-diff; (cd $W/x-diff && $B build --now 2024-06-01 >/dev/null 2>&1 && cp -r public old)
sed -i 's/^Second para/<!-- TLP:AMBER -->\nSecond para/; $a <!-- /TLP -->' $W/x-diff/content/requests/PUB-1.md
o=$(cd $W/x-diff && $B build --now 2024-06-01 --since old 2>&1); echo "$o" | grep -q 'attack path' && report CI-LOG-since-diff-prints-withheld-passage 1 "$(echo "$o" | grep 'attack path')" || report CI-LOG-since-diff-prints-withheld-passage 0 ""
# ---- 3. Body: enclosed / superscript characters read as spaces ----
u 'By \u24cc\u24d8\u24db\u24d5\u24e1\u24d4\u24d3 \u24b6\u24e2\u24d7\u24d1\u24e8 here.\n' | check circled-letters-name "$(u '\u24cc\u24d8\u24db')"
u 'See \u24bd\u24be\u24b9-\u2460 here.\n' | check circled-letters-id "$(u '\u24bd\u24be\u24b9')"
u 'See \u1d34\u1d35\u1d30\u207b\u00b9 here.\n' | check superscript-id "$(u '\u1d34\u1d35\u1d30')"
u 'Call \u24ea\u2466\u2466\u24ea\u24ea \u2468\u24ea\u24ea\u2460\u2461\u2462 now.\n' | check circled-digits-phone "$(u '\u24ea\u2466\u2466')"
u 'Call \u2070\u2077\u2077\u2070\u2070 \u2079\u2070\u2070\u00b9\u00b2\u00b3 now.\n' | check superscript-digits-phone "$(u '\u2070\u2077\u2077')"
u 'See HI<ruby>D<rt>zz</rt></ruby>-1 here.\n' | check body-ruby-glues-id 'HI<ruby>D'
# ---- 4. Contact forms ----
u 'Call 07700\u00b7900123 now.\n' | check phone-middle-dot "$(u '07700\u00b7900123')"
u 'Call 07700\u2022900\u2022123 now.\n' | check phone-bullet "$(u '07700\u2022900')"
printf 'Call O7700 900123 now.\n' | check phone-letter-O 'O7700 900123'
printf 'Mail jo.bloggs[@]example.com now.\n' | check email-defanged-at 'jo.bloggs[@]example.com'
printf 'Mail jo.bloggs @ example . com now.\n' | check email-spaced-dot 'jo.bloggs @ example . com'
printf 'Mail jo.bloggs@example com now.\n' | check email-space-for-dot 'jo.bloggs@example com'
u 'Mail jo.bloggs@example\u00b7com now.\n' | check email-middle-dot 'jo.bloggs@example'
# ---- 5. Declared name forms ----
PRE=$(name 'CTO Wilfred Ashby') check name-leading-role 'By Wilfred Ashby' <<< "By Wilfred Ashby here."
PRE=$(name 'Head of Security: Wilfred Ashby') check name-role-colon 'By Wilfred Ashby' <<< "By Wilfred Ashby here."
PRE=$(name 'Wilfred Ashby') check name-full-middle-name 'Wilfred James Ashby' <<< "By Wilfred James Ashby here."
PRE=$(name 'William (Bill) Ashby') check name-bracketed-nickname 'Bill Ashby' <<< "By Bill Ashby here."
PRE=$(name 'Wilfred Ashby with Ann Other') check name-with-second-person 'Ann Other' <<< "By Ann Other here."
# ---- 6. Markup attachments: hidden text, out-of-order SVG, external CSS ----
printf '<p>See HID<span hidden>zz</span>-1 and Gideon<span style="display:none">zz</span> Marsh.</p>\n' | checkatt att-html-hidden-span n.html
printf '<p>See HID<span style="font-size:0">zz</span>-1.</p>\n' | checkatt att-html-font-size-0 n.html
printf '<p>See HID<template>zz</template>-1.</p>\n' | checkatt att-html-template n.html
printf '<p>See HI<ruby>D<rt>z</rt></ruby>-1.</p>\n' | checkatt att-html-ruby n.html
printf '<svg xmlns="http://www.w3.org/2000/svg"><text y="20">HID<tspan display="none">zz</tspan>-1</text></svg>\n' | checkatt att-svg-display-none n.svg
printf '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><defs><text id="a">-1</text><text id="b">HID</text></defs><use href="#b" x="0" y="20"/><use href="#a" x="31" y="20"/></svg>\n' | checkatt att-svg-use-reorders n.svg
printf '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><g transform="translate(31,0)"><text y="20">-1</text></g><text x="0" y="20">HID</text></svg>\n' | checkatt att-svg-group-translate n.svg
printf '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><svg x="31"><text y="20">-1</text></svg><text y="20">HID</text></svg>\n' | checkatt att-svg-nested-svg-x n.svg
printf 'p::after{content:" \\48 ID-1, by Gideon \\4D arsh, 07700 \\39 00123"}\n' | checkatt att-css-escapes s.css
# ---- 7. Binary attachments ----
python3 $T/pdf.py pred | checkatt att-pdf-flate-predictor n.pdf
python3 $T/office.py zipinzip | checkatt att-docx-zip-in-zip n.docx
python3 $T/office.py zipinzip-stored | checkatt att-docx-zip-in-zip-stored n.docx
python3 $T/office.py numfmt | checkatt att-xlsx-number-format n.xlsx
python3 $T/office.py docx-split | checkatt att-docx-vanish-run n.docx
python3 $T/png.py iccp | checkatt att-png-iccp-profile n.png
python3 -c "import zlib,sys; sys.stdout.buffer.write(zlib.compress(b'See HID-1 by Gideon Marsh 07700 900123'))" | checkatt att-raw-zlib notes.dat
python3 -c "import lzma,sys; sys.stdout.buffer.write(lzma.compress(b'See HID-1 by Gideon Marsh 07700 900123', format=lzma.FORMAT_ALONE))" | checkatt att-lzma-alone notes.lzma
python3 -c "import tarfile,io,sys,gzip
b=io.BytesIO(); t=tarfile.open(fileobj=b,mode='w'); d=gzip.compress(b'See HID-1 by Gideon Marsh'); i=tarfile.TarInfo('a.txt.gz'); i.size=len(d); t.addfile(i,io.BytesIO(d)); t.close(); sys.stdout.buffer.write(b.getvalue())" | checkatt att-tar-holding-gz n.tar
# ---- 8. Denial of service ----
tmc(){ n=$1; d=$W/x-$n; s=$(date +%s.%N); m=$( (ulimit -v 3000000; cd $d && /usr/bin/time -f %M timeout 120 $B check --now 2024-06-01 2>&1 >/dev/null | tail -1) ); t=$(echo "$(date +%s.%N) - $s" | bc); echo "$t $m"; }
python3 -c "
import sys; exec(open('$T/pdf.py').read().split('text=b')[0])
import zlib; c=zlib.compressobj(9); data=c.compress(b'\0'*(100*1024*1024))+c.flush(); sys.stdout.buffer.write(pdf(b'/Filter/FlateDecode',data))" | mkatt $W/x-HANG-pdf-flate-bomb n.pdf
set -- $(tmc HANG-pdf-flate-bomb); sz=$(stat -c %s $W/x-HANG-pdf-flate-bomb/content/requests/PUB-1/n.pdf)
[ "${2:-0}" -gt 300000 ] 2>/dev/null && report HANG-pdf-flate-bomb 1 "$sz bytes: ${1}s, ${2} KB peak" || report HANG-pdf-flate-bomb 0 "${1}s ${2}KB"
python3 -c "import zipfile,io,sys
b=io.BytesIO(); z=zipfile.ZipFile(b,'w',zipfile.ZIP_DEFLATED,compresslevel=9); z.writestr('word/document.xml',b'<w:t>'+b' '*(40*1024*1024)+b'</w:t>'); z.close(); sys.stdout.buffer.write(b.getvalue())" | mkatt $W/x-HANG-docx-zip-bomb n.docx
set -- $(tmc HANG-docx-zip-bomb); sz=$(stat -c %s $W/x-HANG-docx-zip-bomb/content/requests/PUB-1/n.docx)
[ "${2:-0}" -gt 500000 ] 2>/dev/null && report HANG-docx-zip-bomb 1 "$sz bytes: ${1}s, ${2} KB peak" || report HANG-docx-zip-bomb 0 "${1}s ${2}KB"
python3 -c "print('0\n'*200000)" | mk $W/x-HANG-newline-zeros
set -- $(tmc HANG-newline-zeros)
[ $(echo "${1} > 5" | bc) = 1 ] && report HANG-newline-zeros-quadratic 1 "400 KB body: ${1}s" || report HANG-newline-zeros-quadratic 0 "${1}s"
# ---- 9. False positive: a date range is "a telephone number" ----
printf 'The consultation ran 01/02/2024 - 03/04/2024.\n' | mk $W/x-FP-date-range; (cd $W/x-FP-date-range && $B check --now 2024-06-01 >out.txt 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'telephone number' $W/x-FP-date-range/out.txt && report FP-date-range-is-a-phone 1 "'01/02/2024 - 03/04/2024' refused" || report FP-date-range-is-a-phone 0 "(rc=$rc)"
echo "$(grep -c LEAK $W/results) reproduced, $(grep -c ok $W/results) not"
