# Like buildEnv: links each package's bin/ entries and the package itself.
export PATH=/usr/bin:/bin
set -e
mkdir -p "$out/bin" "$out/share/packages"
for p in $paths; do
  for f in "$p"/bin/*; do
    [ -e "$f" ] && ln -s "$f" "$out/bin/"
  done
  ln -s "$p" "$out/share/packages/"
done
