#!/usr/bin/env bash
# Speech synthesis time per minute of speech, per engine and voice: the script of render case (a) (about 150 words)
# spoken in-process through the renderer's SpeechSynthesizer, RUNS times after one warm-up; medians.
#   RUNS=5                          runs per voice
#   RESULTS=bench/results/speech.md where the report goes
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
RUNS=${RUNS:-5} RESULTS=${RESULTS:-bench/results/speech.md}
script=$(mktemp)
trap 'rm -f "$script"' EXIT
python3 -c '
import json, sys
doc = json.load(open("bench/creatives/a-presenter-720p.json"))
creative = doc.get("videoCreative", doc)
print(next(t["text"] for s in creative["scenes"] for t in s["tracks"] if t["type"] == "actor"))' >"$script"
dotnet build bench/speech -c Release -o bench/out/speech -v quiet -nologo "-clp:ErrorsOnly;NoSummary"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(dotnet bench/out/speech/SpeechBench.dll "$script" "$RUNS")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "Command: \`bench/speech.sh\` (RUNS=$RUNS; medians of the runs after one warm-up per voice)"
  echo
  machine
  echo "- load average (1, 5, 15 min) before: $load_before; after: $load_after"
  echo "- script: the presenter's script of render case (a), $(wc -w <"$script") words; spoken through \`SpeechSynthesizer\` as a render speaks it (RHVoice includes fitting espeak-ng's phonemes into its words; every voice includes loudness normalisation and writing the WAV)"
  echo
  echo "| engine | voice | words | phonemes | speech s | wall s | CPU s | wall s per minute of speech | CPU s per minute of speech | speech s per wall s |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "$rows"
} >"$RESULTS"
cat "$RESULTS"
