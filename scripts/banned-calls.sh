#!/usr/bin/env bash
# banned-calls.sh: fail on calls the project does not use, because each has a
# safer form: strcpy/strcat (no size: snprintf or memcpy with a known length),
# sprintf/vsprintf (snprintf/vsnprintf), atoi/atol/atof (no error: strtol or
# strtod with the end checked, or parser/text/number.h), strtok (hidden state),
# gets (no size at all), sscanf (no overflow check).
#
#   scripts/banned-calls.sh [SOURCE_DIR]      (default: the checkout)
#
# Scans the C sources and headers of cli/ model/ parser/ render/ tests/ bench/
# (the fuzz targets included).  A call is the name as a whole word followed by
# "("; comments and string and character literals are blanked out first, with
# their line breaks kept, so that prose and messages do not count.  Prints
# file:line: name for each call found and exits 1 if there is any.
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"
dirs=()
for d in cli model parser render tests bench; do
  [ -d "$d" ] && dirs+=("$d")
done
mapfile -t files < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ ${#files[@]} -gt 0 ] || { echo "banned-calls: no sources under $PWD" >&2; exit 2; }
perl -e '
  my $banned = qr/\b(strcpy|strcat|sprintf|vsprintf|atoi|atol|atof|strtok|gets|sscanf)\s*\(/;
  my $found = 0;
  for my $file (@ARGV) {
    open(my $fh, "<", $file) or die "$file: $!\n";
    local $/;
    my $src = <$fh>;
    close $fh;
    # Blank comments and literals, keeping their newlines so lines still count.
    $src =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27)}
             { (my $k = $1) =~ s/[^\n]/ /g; $k }gse;
    my $line = 1;
    for my $text (split /\n/, $src, -1) {
      while ($text =~ /$banned/g) {
        print "$file:$line: $1 is banned (see scripts/banned-calls.sh for what to use)\n";
        $found++;
      }
      $line++;
    }
  }
  if ($found) { print STDERR "banned-calls: $found call(s) found\n"; exit 1; }
  printf "banned-calls: none in %d files\n", scalar @ARGV;
' "${files[@]}"
