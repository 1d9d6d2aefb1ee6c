# Shared by the render benchmarks: make_assets DIR writes the standard assets there (a background, a picture, an
# second picture for the motion case, an 8 s clip with sound, 10 s of music), all generated with ffmpeg; serve_assets DIR PORT serves them on 127.0.0.1.
make_assets() {
  local dir=$1
  mkdir -p "$dir"
  ffmpeg -v error -f lavfi -i gradients=s=1920x1080:c0=1B2A41:c1=4A6FA5:nb_colors=2:x0=0:y0=0:x1=1920:y1=1080 \
    -frames:v 1 "$dir/background.png"
  ffmpeg -v error -f lavfi -i mandelbrot=s=800x600 -frames:v 1 "$dir/picture.png"
  ffmpeg -v error -f lavfi -i testsrc2=s=800x600 -frames:v 1 "$dir/photo.png"
  ffmpeg -v error -f lavfi -i testsrc2=s=640x360:r=30:d=8 -f lavfi -i sine=f=440:d=8:sample_rate=48000 \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -shortest "$dir/clip.mp4"
  ffmpeg -v error -f lavfi -i 'aevalsrc=0.2*sin(2*PI*220*t)+0.1*sin(2*PI*330*t)|0.2*sin(2*PI*277*t):s=48000:d=10' "$dir/music.wav"
}

# serve_assets DIR PORT: python's http.server on 127.0.0.1:PORT; sets ASSETS_PID.
serve_assets() {
  python3 -m http.server "$2" --bind 127.0.0.1 --directory "$1" >/dev/null 2>&1 &
  ASSETS_PID=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$2/music.wav" -o /dev/null && return 0; sleep 0.1; done
  echo "the asset server did not start" >&2; return 1
}
