#!/usr/bin/env bash
# The checks a CPU cannot make, for a machine with a CUDA GPU:
#
#   bash bench/device_check.sh [OUT_DIR]      (default: build/device-check)
#
# 1. `render check --golden` of the default lesson on the GPU, and on the CPU of
#    the same machine (same torch build), so device drift and torch-version
#    drift can be told apart;
# 2. the GPU tests (tests/e2e/test_gpu.py) with the runner, golden and plugin tests;
# 3. `pytest --cuecast` on the GPU;
# 4. a full `render build --device cuda`, timed, its small outputs packed into
#    OUT_DIR/build.tgz to look at (slides as PNG, deck, timeline, notebook).
#
# CUECAST_UPDATE_DEVICE_GOLDEN=1 also writes the per-device golden files
# (`--update-golden --golden-per-device`) and copies them to OUT_DIR.
#
# Every step runs even if an earlier one failed; the exit code says whether all
# passed.  Logs land in OUT_DIR.  Set PYTHON to choose the interpreter and
# CUECAST_CHECK_DEVICE=cpu to rehearse the script on a machine without a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."

out=${1:-build/device-check}
logs="$out/logs"
mkdir -p "$logs"
py=${PYTHON:-python3}
device=${CUECAST_CHECK_DEVICE:-cuda}
export PYTHONUNBUFFERED=1
failed=0

step() {  # step NAME LIMIT_SECONDS COMMAND...: run, time and log one check
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS
    echo "== $name"
    timeout "$limit" "$@" >"$logs/$name.log" 2>&1
    local code=$?
    tail -n 25 "$logs/$name.log"
    echo "== $name: exit $code in $((SECONDS - start)) s"
    [ "$code" -eq 0 ] || failed=1
}

{ nvidia-smi -L 2>/dev/null || echo "(no nvidia-smi)"; } | tee "$logs/machine.txt"
"$py" -c "import sys, torch; print('python', sys.version.split()[0], '| torch', torch.__version__, '| cuda', torch.cuda.is_available())" | tee -a "$logs/machine.txt"

step check-golden-"$device" 240 "$py" render.py check --device "$device" --golden --no-cache \
    --junit "$logs/junit-$device.xml" script/pytorch-intro.yaml
if [ "${CUECAST_UPDATE_DEVICE_GOLDEN:-0}" = 1 ] && [ "$device" != cpu ]; then
    # write <snippet>.<device>.txt where this device prints differently, and keep copies to commit
    step update-golden-"$device" 240 "$py" render.py check --device "$device" --update-golden \
        --golden-per-device script/pytorch-intro.yaml
    cp script/pytorch-intro.golden/*."$device".txt "$out"/ 2>/dev/null
fi
step check-golden-cpu 240 "$py" render.py check --device cpu --golden --no-cache script/pytorch-intro.yaml
step pytest-gpu 300 "$py" -m pytest -q -p no:cacheprovider -n 8 tests/e2e/test_gpu.py tests/check/test_golden.py \
    tests/cli/test_check_golden.py tests/cli/test_check.py tests/runner/test_run.py tests/runner/test_device.py \
    tests/runner/test_execute.py tests/check/test_pytest_plugin.py tests/e2e/test_snippets_standalone.py
step pytest-cuecast 240 "$py" -m pytest -q -p no:cacheprovider --cuecast --cuecast-golden \
    --cuecast-device "$device" script/pytorch-intro.yaml
step build 400 "$py" render.py build --device "$device" -j 8 script/pytorch-intro.yaml

lesson=build/pytorch-intro
if [ -d "$lesson" ]; then
    tar czf "$out/build.tgz" --exclude='media' --exclude='.video-cache' --exclude='*.mp4' --exclude='*.wav' \
        "$lesson" 2>/dev/null
    ls -la "$lesson" >"$logs/outputs.txt"
    "$py" -c "import imageio_ffmpeg as f; print(f.count_frames_and_secs('$lesson/video.mp4'))" >>"$logs/outputs.txt" 2>&1
fi
tar czf "$out/logs.tgz" -C "$logs" . && rm -r "$logs"  # few files to carry back: logs, build, golden files
echo "device check: $([ $failed -eq 0 ] && echo all passed || echo SOME FAILED) (logs in $out/logs.tgz)"
exit $failed
