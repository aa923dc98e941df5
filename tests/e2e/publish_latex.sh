#!/usr/bin/env bash
# publish_latex: the report of the samples writes publish/, its LaTeX export
# compiles with pdflatex, and a document using the macros shows the numbers
# of summary.json.
#
#   publish_latex.sh TRAINPRINT SOURCE_DIR SHARED_DIR WORK_DIR
#
# Exits 77 (skipped) when pdflatex is not installed (Debian: texlive-latex-base)
# or when this build's report does not write publish/ yet.
set -euo pipefail
tp=$1 src=$2 work=$4

if ! command -v pdflatex >/dev/null 2>&1; then
  echo "SKIP: pdflatex not found (install texlive-latex-base)"
  exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }

rm -rf "$work"
mkdir -p "$work"
out=$work/report
"$tp" report "$src/samples" -o "$out" -q

pub=$out/publish
if [ ! -d "$pub" ]; then
  echo "SKIP: the report wrote no publish/ directory (tp_publish_write not called yet)"
  exit 77
fi
for f in footprint.tex footprint.md references.bib whatif-zones.csv whatif-zones.pdf \
         whatif-zones.png; do
  [ -s "$pub/$f" ] || { echo "FAIL: publish/$f missing or empty"; exit 1; }
done
ls "$pub"/model-card-*.yaml >/dev/null || { echo "FAIL: no model-card-*.yaml"; exit 1; }

# A document that uses the macros: each number on a line of its own, marked,
# so that the text layer (or the .tex) can be checked against summary.json.
tex=$work/tex
mkdir -p "$tex"
cp "$pub/footprint.tex" "$tex/"
python3 - "$pub/footprint.tex" "$tex/doc.tex" <<'EOF'
import re, sys
src, doc = sys.argv[1], sys.argv[2]
names = re.findall(r'\\newcommand\{\\(tp[A-Za-z]+)\}', open(src).read())
lines = [r'\documentclass{article}', r'\input{footprint.tex}', r'\begin{document}',
         r'\tpFootprintTable', '', r'\tpMethods', '']
for n in names:
    if n in ('tpFootprintTable', 'tpMethods'):
        continue
    lines.append('TPMACRO %s = \\%s{}\\par' % (n, n))
lines.append(r'\end{document}')
open(doc, 'w').write('\n'.join(lines) + '\n')
EOF
(cd "$tex" && timeout 120 pdflatex -interaction=nonstopmode -halt-on-error doc.tex >pdflatex.log 2>&1) || {
  echo "FAIL: pdflatex could not compile a document using footprint.tex"
  grep -A3 '^!' "$tex/pdflatex.log" | head -20
  exit 1
}
[ -s "$tex/doc.pdf" ] || { echo "FAIL: no PDF"; exit 1; }

# The numbers: from the PDF's text when pdftotext is there, else from the
# macros' definitions; either way compared with summary.json.
if command -v pdftotext >/dev/null 2>&1; then
  pdftotext -layout "$tex/doc.pdf" "$tex/doc.txt"
  mode=pdf
else
  mode=tex
fi
python3 - "$out/summary.json" "$pub/footprint.tex" "$tex/doc.txt" "$mode" <<'EOF'
import json, re, sys
summary, texfile, txtfile, mode = sys.argv[1:5]
s = json.load(open(summary))
if mode == 'pdf':
    vals = dict(re.findall(r'TPMACRO (tp[A-Za-z]+) = (\S+)', open(txtfile).read()))
else:
    vals = dict(re.findall(r'\\newcommand\{\\(tp[A-Za-z]+)\}\{([^{}]*)\}', open(texfile).read()))
tex = open(texfile).read()

def word(name):
    digits = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine']
    out, start = '', True
    for ch in name:
        if ch.isascii() and ch.isalpha():
            out += ch.upper() if start else ch.lower(); start = False
        elif ch.isdigit():
            out += digits[int(ch)]; start = True
        else:
            start = True
    return out or 'Unnamed'

def letters(i):
    k, out = i + 1, ''
    while k > 0:
        k -= 1; out = chr(65 + k % 26) + out; k //= 26
    return out

failed = []
checked = 0
def check(macro, expected):
    global checked
    if expected is None:
        return
    if macro not in vals:
        failed.append('%s missing' % macro); return
    got = float(vals[macro])
    tol = max(abs(expected) * 0.006, 1e-6)
    if abs(got - expected) > tol:
        failed.append('%s = %s, summary.json %s' % (macro, vals[macro], expected))
    checked += 1

t = s['totals']
check('tpTotalEnergyKWh', t['it_kwh'])
check('tpTotalFacilityKWh', t['facility_kwh'])
check('tpTotalCarbonKg', t['co2e_kg'])
check('tpTotalRuns', t['runs'])
check('tpPUE', s['assumptions']['pue'])
check('tpIntensity', s['assumptions']['intensity_g_per_kwh'])
for e in s['experiments']:
    w = 'tpExp' + word(e['name'])
    check(w + 'EnergyKWh', e['it_kwh'])
    check(w + 'FacilityKWh', e['facility_kwh'])
    check(w + 'CarbonKg', e['co2e_kg'])
    check(w + 'Runs', len(e['runs']))
    for i, c in enumerate(e['configs']):
        cw = w + 'Cfg' + letters(i)
        check(cw + 'EnergyKWh', c['it_kwh_mean'])
        check(cw + 'CarbonKg', c['co2e_kg_mean'])
        check(cw + 'Runs', len(c['runs']))
        if ('Exp%sCfg%s = configuration' % (word(e['name']), letters(i))) not in tex:
            failed.append('%s not documented in footprint.tex' % cw)
# every Low <= value <= High
for m, v in vals.items():
    if m + 'Low' in vals and m + 'High' in vals:
        try:
            lo, hi, x = float(vals[m + 'Low']), float(vals[m + 'High']), float(v)
        except ValueError:
            continue
        if not (lo <= x <= hi):
            failed.append('%s: %s not within %s..%s' % (m, v, lo, hi))
if failed:
    print('FAIL (%s):' % mode)
    for f in failed:
        print('  ' + f)
    sys.exit(1)
print('ok: %d figures of footprint.tex match summary.json (checked via %s)' % (checked, mode))
EOF
