// cuecast preview: keeps the review page in step with the author's saves.
//
// The server sends server-sent events (see cuecast/preview/session.py):
//   status    building | ready | failed | error; "stale": ids to mark now
//   patch     {fragments: {id: html}, lists: {container id: [item ids]}}
//   segments  the segments whose pixels changed: played from media/
//   video     the full video was joined again: swap it in, clear the marks
//   reload    a lesson's page exists now (the "building…" page reloads)
// Everything applied is logged in window.cuecastLive.log, with Date.now(),
// for tests and benchmarks.
(function () {
  "use strict";
  var script = document.currentScript;
  var lesson = script ? script.getAttribute("data-lesson") || "" : "";
  var live = window.cuecastLive = { log: [], connected: false, lesson: lesson };

  function note(type, extra) {
    var entry = { type: type, at: Date.now() };
    for (var key in extra || {}) entry[key] = extra[key];
    live.log.push(entry);
    if (live.log.length > 500) live.log.shift();
  }

  // -- the status pill --------------------------------------------------------
  var style = document.createElement("style");
  style.textContent =
    "#cuecast-live{position:fixed;right:14px;bottom:14px;z-index:99;padding:6px 12px;border-radius:16px;" +
    "font:13px system-ui,sans-serif;background:#263040;color:#e6e6e6;box-shadow:0 2px 8px #0008}" +
    "#cuecast-live.building{background:#5a4a12}#cuecast-live.failed,#cuecast-live.error{background:#6e1f1a}" +
    "#cuecast-live.ready{background:#1f4d2b}#cuecast-live.offline{background:#444}" +
    ".stale{opacity:.55;outline:2px dashed #d29922;outline-offset:2px}" +
    "tr.segment-changed td{background:#2a2410}" +
    "#segment-preview{margin:8px 0;padding:8px;border:1px solid #d29922;border-radius:6px;font-size:13px}" +
    "#segment-preview video,#segment-preview img{width:100%;border-radius:4px;margin-top:6px;background:#000}" +
    "button.seg{font:12px ui-monospace,monospace;margin-left:6px;background:#5a4a12;color:#fff;border:0;" +
    "border-radius:4px;padding:1px 6px;cursor:pointer}";
  document.head.appendChild(style);
  var pill = document.createElement("div");
  pill.id = "cuecast-live";
  pill.textContent = "connecting…";
  document.body.appendChild(pill);

  function setPill(state, text) {
    pill.className = state;
    pill.textContent = text;
  }

  function seconds(ms) { return (ms / 1000).toFixed(2) + " s"; }

  // -- applying fragments -------------------------------------------------------
  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function applyPatch(data) {
    var fragments = data.fragments || {};
    var lists = data.lists || {};
    var used = {};
    Object.keys(lists).forEach(function (listId) {
      var container = document.getElementById(listId);
      if (!container) return;
      var children = lists[listId].map(function (itemId) {
        used[itemId] = true;
        if (fragments[itemId] !== undefined) return parse(fragments[itemId]);
        return document.getElementById(itemId);
      }).filter(Boolean);
      container.replaceChildren.apply(container, children);
      var panel = container.closest("section");
      if (panel && listId === "thumbs") panel.hidden = children.length === 0;
    });
    Object.keys(fragments).forEach(function (id) {
      if (used[id]) return;
      var old = document.getElementById(id);
      var fresh = parse(fragments[id]);
      if (!fresh) return;
      if (old) {
        old.replaceWith(fresh);
      } else if (id === "problems") {
        var main = document.querySelector("main") || document.body;
        main.insertBefore(fresh, main.firstChild);
      }
    });
    if (fragments["cue-rows"] !== undefined) markSegments();
    note("patch", { ids: Object.keys(fragments), lists: Object.keys(lists), timing: data.timing || null });
  }

  // -- stale marks and changed segments ------------------------------------------
  var changedSegments = {};  // segment id -> {media, kind, start}

  function markStale(ids) {
    if (ids === null || ids === undefined) {
      document.querySelectorAll(".snippet, .thumbs figure").forEach(function (el) { el.classList.add("stale"); });
      return;
    }
    ids.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.classList.add("stale");
    });
  }

  function clearStale() {
    document.querySelectorAll(".stale").forEach(function (el) { el.classList.remove("stale"); });
  }

  function segmentPreview() {
    var box = document.getElementById("segment-preview");
    if (box) return box;
    var status = document.getElementById("video-status");
    if (!status) return null;
    box = document.createElement("div");
    box.id = "segment-preview";
    status.insertAdjacentElement("afterend", box);
    return box;
  }

  function showSegment(segment, autoplay) {
    var box = segmentPreview();
    if (!box) return;
    box.replaceChildren();
    var label = document.createElement("div");
    label.textContent = "Changed segment " + segment.id + " (from " + segment.start.toFixed(1) +
      " s), played from its own media while the full video is joined:";
    box.appendChild(label);
    var media;
    if (segment.kind === "slide") {
      media = document.createElement("img");
    } else {
      media = document.createElement("video");
      media.controls = true;
      media.muted = true;
      media.playsInline = true;
      media.autoplay = !!autoplay;
    }
    media.id = "segment-media";
    media.setAttribute("data-segment", segment.id);
    media.addEventListener(segment.kind === "slide" ? "load" : "loadeddata", function () {
      note("segment-loaded", { id: segment.id });
    });
    media.src = segment.media;
    box.appendChild(media);
  }

  function markSegments() {
    document.querySelectorAll("#cue-rows tr").forEach(function (row) {
      var segment = changedSegments[row.getAttribute("data-segment")];
      row.classList.toggle("segment-changed", !!segment);
      var cell = row.querySelector("td");
      var old = cell ? cell.querySelector("button.seg") : null;
      if (old && (!segment || old.getAttribute("data-media") !== segment.media)) {
        old.remove();
        old = null;
      }
      if (segment && cell && !old) {
        var button = document.createElement("button");
        button.className = "seg";
        button.textContent = "▶ new";
        button.title = "play the changed segment";
        button.setAttribute("data-media", segment.media);
        button.addEventListener("click", function () { showSegment(segment, true); });
        cell.appendChild(button);
      }
    });
  }

  // -- the event stream -------------------------------------------------------------
  var source = new EventSource("/_cuecast/events?lesson=" + encodeURIComponent(lesson));

  function on(kind, handler) {
    source.addEventListener(kind, function (event) {
      var data = JSON.parse(event.data);
      try {
        handler(data);
      } catch (error) {
        console.error("cuecast preview: " + kind + ": " + error);
      }
    });
  }

  source.addEventListener("open", function () {
    live.connected = true;
    note("open");
    if (pill.className === "offline" || pill.textContent === "connecting…") setPill("ready", "● live");
  });
  source.addEventListener("error", function () {
    live.connected = false;
    setPill("offline", "○ preview server stopped: reconnecting…");
  });

  on("status", function (data) {
    note("status", { state: data.state, timing: data.timing || null });
    if (data.state === "building") {
      markStale(data.stale);
      var what = (data.changed || []).join(", ");
      setPill("building", "● updating" + (what ? " for " + what : "") + "…");
    } else if (data.state === "ready") {
      clearStale();
      var took = data.timing && data.timing.saved_at ? " in " + seconds(data.timing.done_at * 1000 - data.timing.saved_at * 1000) : "";
      setPill("ready", "● up to date" + took);
    } else if (data.state === "failed") {
      clearStale();
      setPill("failed", "● " + (data.message || "built, with problems: see Problems"));
    } else if (data.state === "error") {
      setPill("error", "● error: see Problems (waiting for the next save)");
    }
  });

  on("patch", applyPatch);

  on("segments", function (data) {
    (data.segments || []).forEach(function (segment) { changedSegments[segment.id] = segment; });
    markSegments();
    var list = data.segments || [];
    if (list.length) showSegment(list[0], false);
    note("segments", { ids: list.map(function (s) { return s.id; }), media: list.map(function (s) { return s.media; }),
                       timing: data.timing || null });
  });

  on("video", function (data) {
    var video = document.getElementById("video");
    if (video) {
      var at = video.currentTime || 0;
      var playing = !video.paused;
      video.hidden = false;
      video.src = data.src;
      video.addEventListener("loadedmetadata", function restore() {
        video.removeEventListener("loadedmetadata", restore);
        if (at) video.currentTime = Math.min(at, video.duration || at);
        if (playing) video.play().catch(function () {});
        note("video-loaded", {});
      });
      [["captions", "captions"], ["chapters", "chapters"]].forEach(function (pair) {
        var track = video.querySelector('track[kind="' + pair[0] + '"]');
        if (track && data[pair[1]] && track.getAttribute("src") !== data[pair[1]]) track.src = data[pair[1]];
      });
    }
    changedSegments = {};
    markSegments();
    var box = document.getElementById("segment-preview");
    if (box) box.remove();
    note("video", { src: data.src });
  });

  on("reload", function (data) {
    note("reload", {});
    var lessons = data.lessons || [];
    if (document.body.getAttribute("data-placeholder") === "1") {
      if (lessons.indexOf(lesson) >= 0) location.reload();
      else if (lessons.length === 1) location.href = "/" + encodeURIComponent(lessons[0]) + "/";
    } else if (!lesson && lessons.length) {
      location.reload();  // the list of lessons
    }
  });
})();
