// cuecast preview: record your own voice, beat by beat.
//
// Lists every narrated beat (from the build's cues.json) with a Record
// button.  Record starts the microphone (MediaRecorder), Stop sends the take
// to the preview server (POST /_cuecast/take), which checks it, keeps it as
// the beat's take (the previous one is kept beside it) and re-times the
// lesson at once; the page then plays the beat's new narration.  Each beat
// says whether it is the author's take or the synthetic voice.  A refused
// take or a refused microphone is shown at the beat, and the terminal says it
// too.  Everything is logged in window.cuecastTakes.log for tests.
(function () {
  "use strict";
  var script = document.currentScript;
  var lesson = script ? script.getAttribute("data-lesson") || "" : "";
  if (!lesson || document.body.getAttribute("data-placeholder")) return;
  var takes = window.cuecastTakes = { log: [], clips: [] };
  var recording = null; // {beat, recorder, chunks, stream, button}

  function note(type, extra) {
    var entry = { type: type, at: Date.now() };
    for (var key in extra || {}) entry[key] = extra[key];
    takes.log.push(entry);
  }

  var style = document.createElement("style");
  style.textContent =
    "#takes{margin:16px 0;padding:10px 12px;border:1px solid #30363d;border-radius:8px}" +
    "#takes h2{font-size:16px;margin:0 0 8px}#takes table{width:100%;border-collapse:collapse;font-size:13px}" +
    "#takes td{padding:4px 6px;border-top:1px solid #30363d;vertical-align:top}" +
    "#takes .source{font:12px ui-monospace,monospace;white-space:nowrap}" +
    "#takes .source.take{color:#3fb950}#takes .source.synthetic{color:#8b949e}" +
    "#takes button.record{font:12px system-ui,sans-serif;border:0;border-radius:4px;padding:2px 8px;" +
    "background:#8b1d1d;color:#fff;cursor:pointer}#takes button.record.on{background:#d29922}" +
    "#takes .problem{color:#f85149;font-size:12px}#takes audio{height:28px;vertical-align:middle}";
  document.head.appendChild(style);
  var panel = document.createElement("section");
  panel.id = "takes";
  panel.innerHTML = "<h2>Narration: record your own voice</h2><table><tbody id=\"take-rows\"></tbody></table>";
  (document.querySelector("main") || document.body).appendChild(panel);

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    if (text !== undefined) td.textContent = text;
    return td;
  }

  function row(beatId) {
    return document.querySelector("#take-rows tr[data-beat=\"" + CSS.escape(beatId) + "\"]");
  }

  function showProblem(beatId, text) {
    var target = row(beatId);
    var box = target && target.querySelector(".problem");
    if (box) box.textContent = text;
    note("problem", { beat: beatId, message: text });
  }

  function draw(document_) {
    var body = document.getElementById("take-rows");
    var voice = document_.voice || {};
    var synthetic = (voice.engine || "voice") + (voice.model ? " " + voice.model : "");
    takes.clips = document_.clips || [];
    var fresh = document.createElement("tbody");
    fresh.id = "take-rows";
    takes.clips.forEach(function (clip) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-beat", clip.beat_id);
      var mine = clip.voice && clip.voice.engine === "recorded";
      tr.setAttribute("data-source", mine ? "take" : "synthetic");
      tr.appendChild(cell(clip.beat_id));
      tr.appendChild(cell(clip.text));
      tr.appendChild(cell(mine ? "your take" : synthetic, "source " + (mine ? "take" : "synthetic")));
      var actions = cell();
      var button = document.createElement("button");
      button.className = "record";
      button.textContent = mine ? "Record again" : "Record";
      button.addEventListener("click", function () { toggle(clip.beat_id, button); });
      actions.appendChild(button);
      var audio = document.createElement("audio");
      audio.controls = true;
      audio.preload = "none";
      audio.src = "audio/" + encodeURIComponent(clip.beat_id) + ".wav?v=" + Date.now();
      actions.appendChild(audio);
      var problem = document.createElement("div");
      problem.className = "problem";
      actions.appendChild(problem);
      tr.appendChild(actions);
      fresh.appendChild(tr);
    });
    body.replaceWith(fresh);
    note("drawn", { beats: takes.clips.length });
  }

  function refresh() {
    return fetch("cues.json?v=" + Date.now(), { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (doc) { if (doc) draw(doc); })
      .catch(function () {});
  }

  function report(message) {
    fetch("/_cuecast/take-problem?lesson=" + encodeURIComponent(lesson), { method: "POST", body: message })
      .catch(function () {});
  }

  function toggle(beatId, button) {
    if (recording && recording.beat === beatId) return stop();
    if (recording) return;
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      var why = "this browser cannot record (no MediaRecorder; the page must be on http://127.0.0.1 or localhost)";
      showProblem(beatId, why);
      return report(why);
    }
    showProblem(beatId, "");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var recorder = new MediaRecorder(stream);
      recording = { beat: beatId, recorder: recorder, chunks: [], stream: stream, button: button };
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) recording.chunks.push(event.data);
      });
      recorder.addEventListener("stop", function () { send(recording); });
      recorder.start(250);
      button.classList.add("on");
      button.textContent = "Stop";
      note("recording", { beat: beatId, mime: recorder.mimeType });
    }).catch(function (error) {
      var why = "the microphone was refused: " + (error && error.name ? error.name + " " : "") +
        (error && error.message ? error.message : error);
      showProblem(beatId, why);
      report("beat " + beatId + ": " + why);
    });
  }

  function stop() {
    if (!recording) return;
    recording.recorder.stop();
    recording.stream.getTracks().forEach(function (track) { track.stop(); });
  }
  takes.stop = stop;

  function send(take) {
    recording = null;
    take.button.classList.remove("on");
    take.button.textContent = "Saving…";
    var blob = new Blob(take.chunks, { type: take.recorder.mimeType || "audio/webm" });
    fetch("/_cuecast/take?lesson=" + encodeURIComponent(lesson) + "&beat=" + encodeURIComponent(take.beat),
          { method: "POST", body: blob })
      .then(function (r) { return r.json().then(function (answer) { return { ok: r.ok, answer: answer }; }); })
      .then(function (result) {
        take.button.textContent = "Record again";
        if (!result.ok) {
          var answer = result.answer || {};
          showProblem(take.beat, (answer.where ? answer.where + ": " : "") + (answer.error || "the take was refused") +
                      (answer.hint ? " (" + answer.hint + ")" : ""));
          return;
        }
        note("saved", { beat: take.beat, duration: result.answer.duration, bytes: blob.size });
        waitForTake(take.beat, 0);
      })
      .catch(function (error) { showProblem(take.beat, "the take could not be sent: " + error); });
  }

  // after a take: the build re-times the lesson; once cues.json has it, play it back
  function waitForTake(beatId, tries) {
    refresh().then(function () {
      var clip = takes.clips.filter(function (c) { return c.beat_id === beatId; })[0];
      if (clip && clip.voice && clip.voice.engine === "recorded") {
        note("retimed", { beat: beatId, start: clip.start, end: clip.end });
        var audio = row(beatId) && row(beatId).querySelector("audio");
        if (audio) {
          audio.preload = "auto";
          audio.addEventListener("loadedmetadata", function () {
            note("playback", { beat: beatId, duration: audio.duration });
          }, { once: true });
          audio.play().catch(function () {});
        }
      } else if (tries < 240) {
        setTimeout(function () { waitForTake(beatId, tries + 1); }, 500);
      }
    });
  }

  refresh();
})();
