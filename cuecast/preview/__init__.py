"""``render preview``: the lesson's review page served on 127.0.0.1 and
updated in place as the author saves.

* ``events``   a hub that fans server-sent events out to open pages;
* ``patch``    what of the page a build changed (fragments by element id);
* ``session``  the builds: a warm snippet worker, the incremental stages in
               the order a page wants them, the full video joined on a thread;
* ``server``   stdlib ``http.server``: the build folder, the live client and
               the event stream, nothing outside the build folder;
* ``lifetime`` when the server stops by itself (its parent gone, a deadline).
"""
