#!/usr/bin/env bash
# Install the system programs the pipeline and its tests use (Debian/Ubuntu, apt).
#
#   tesseract-ocr, tesseract-ocr-vie   OCR of scans (Vietnamese model)
#   poppler-utils                      pdftoppm/pdftotext, handy to inspect PDFs
#   fonts-dejavu-core                  a TTF with Vietnamese glyphs, used by the test fixtures
#   postgresql                         a server for the loader tests
#   chromium, chromium-driver          the report's browser test (optional: skipped if apt has none)
#   libreoffice-writer-nogui           old office files (Word 97 .doc, .rtf) → .docx; without it
#                                      every .doc and .rtf of an archive fails. Installed by default
#                                      (about 300 MB with its dependencies); to leave it out pass
#                                      --without-libreoffice or set WITH_LIBREOFFICE=0
#
# Idempotent: packages already installed are skipped, `apt-get update` runs at most once.
set -euo pipefail

WITH_LIBREOFFICE="${WITH_LIBREOFFICE:-1}"
for arg in "$@"; do
  case "$arg" in
    --with-libreoffice) WITH_LIBREOFFICE=1 ;;  # the default; kept for old scripts
    --without-libreoffice) WITH_LIBREOFFICE=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install-system-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: apt-get not found; install tesseract-ocr (+ vie), poppler-utils," \
       "fonts-dejavu-core, postgresql and libreoffice-writer-nogui with your package manager" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

required=(tesseract-ocr tesseract-ocr-vie poppler-utils fonts-dejavu-core postgresql)
if [ "$WITH_LIBREOFFICE" = "1" ]; then required+=(libreoffice-writer-nogui); fi
optional=(chromium chromium-driver)

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

updated=0
apt_update_once() {
  if [ "$updated" = 0 ]; then $SUDO apt-get update -qq; updated=1; fi
}

missing=()
for pkg in "${required[@]}"; do is_installed "$pkg" || missing+=("$pkg"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_update_once
  echo "install-system-deps: installing ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for pkg in "${optional[@]}"; do
  is_installed "$pkg" && continue
  apt_update_once
  if apt-cache show "$pkg" >/dev/null 2>&1; then
    echo "install-system-deps: installing optional $pkg"
    $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
      || echo "install-system-deps: optional $pkg failed to install; skipped" >&2
  else
    echo "install-system-deps: optional $pkg not available from apt; skipped" >&2
  fi
done

if command -v tesseract >/dev/null 2>&1; then
  tesseract --list-langs 2>/dev/null | grep -qx vie \
    || { echo "install-system-deps: tesseract has no 'vie' model" >&2; exit 1; }
fi
if [ "$WITH_LIBREOFFICE" = "1" ] && ! command -v soffice >/dev/null 2>&1; then
  echo "install-system-deps: libreoffice-writer-nogui is installed but 'soffice' is not on PATH" >&2
  exit 1
fi
if [ "$WITH_LIBREOFFICE" != "1" ]; then
  echo "install-system-deps: LibreOffice left out: .doc and .rtf files will fail" \
       "(install libreoffice-writer-nogui to read them)" >&2
fi
echo "install-system-deps: ok"
