// In-page helpers for tests/browser/test_jupyterlab.py.
//
// Evaluated once in the JupyterLab page (started with --expose-app-in-browser,
// so window.jupyterapp is the running JupyterFrontEnd). Everything the tests
// wait for is read from JupyterLab's own models (kernel status, cell execution
// state, output models) or from the DOM, so the tests poll instead of sleeping.
(() => {
  const app = window.jupyterapp;
  const panels = new Map();   // path -> NotebookPanel
  const runs = new Map();     // path -> {done, ok, error}

  const panelOf = (path) => {
    const panel = panels.get(path);
    if (!panel) throw new Error(`notebook ${path} is not open`);
    return panel;
  };
  const kernelOf = (path) => {
    const session = panelOf(path).sessionContext.session;
    return session ? session.kernel : null;
  };
  const codeCells = (panel) => panel.content.widgets.filter((c) => c.model.type === 'code');

  // ---- the figure canvas: ipympl draws each frame onto the first <canvas> of
  // .jupyter-matplotlib-canvas-div (the second one is the rubber-band overlay)
  // (or, for the track player, its canvas.mlekit-track, listed first)
  const figureCanvases = (root) =>
    Array.from(root.querySelectorAll('canvas.mlekit-track')).concat(
      Array.from(root.querySelectorAll('.jupyter-matplotlib-canvas-div'))
        .map((div) => div.querySelector('canvas'))
        .filter((c) => c !== null));
  const pixels = (canvas) => {
    if (canvas.width === 0 || canvas.height === 0) return new Uint32Array(0);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return new Uint32Array(data.buffer);
  };
  const samePixels = (a, b) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const painted = (canvas) => {
    const px = pixels(canvas);
    for (let i = 0; i < px.length; i++) if (px[i] >>> 24) return true;   // alpha > 0
    return false;
  };
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

  // Count the draws onto the canvases being watched: ipympl draws every frame
  // it receives from the kernel onto the figure's canvas with drawImage.
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = drawImage.apply(this, args);
    if (this.canvas && this.canvas.__mlekitDraws !== undefined) this.canvas.__mlekitDraws++;
    return result;
  };
  const watchedFigure = (path) => {
    const canvas = figureCanvases(panelOf(path).node)[0];
    if (!canvas) throw new Error(`no live figure in ${path}`);
    if (canvas.__mlekitDraws === undefined) canvas.__mlekitDraws = 0;
    return canvas;
  };

  window.mlekitTest = {
    async ready() {
      await app.started;
      await app.restored;
      return app.version;
    },

    async open(path) {
      if (panels.has(path)) return panels.get(path).id;   // adopted (Notebook 7) or open
      const panel = await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
      panels.set(path, panel);
      await panel.context.ready;
      await panel.sessionContext.ready;
      app.shell.activateById(panel.id);
      return panel.id;
    },

    // Notebook 7 opens each notebook in its own page (/notebooks/<path>): take the page's
    // notebook panel as `path`'s, once its kernel session is ready.
    async adopt(path) {
      await app.started;
      await app.restored;
      let panel = null;
      for (let i = 0; i < 600 && !panel; i++) {
        const widget = app.shell.currentWidget;
        if (widget && widget.context && widget.context.path === path && widget.sessionContext) panel = widget;
        else await new Promise((r) => setTimeout(r, 100));
      }
      if (!panel) throw new Error(`no notebook panel for ${path} in this page`);
      panels.set(path, panel);
      await panel.context.ready;
      await panel.sessionContext.ready;
      return panel.id;
    },

    // Start "Run All" on a freshly cleared notebook; poll runFinished().
    startRunAll(path) {
      const panel = panelOf(path);
      app.shell.activateById(panel.id);
      if (app.shell.currentWidget !== panel) throw new Error(`could not activate ${path}`);
      const state = { done: false, ok: null, error: null };
      runs.set(path, state);
      (async () => {
        await app.commands.execute('notebook:clear-all-cell-outputs');
        for (const cell of codeCells(panel)) {
          if (cell.model.executionCount !== null || cell.model.outputs.length) {
            throw new Error('clear-all-cell-outputs did not reach this notebook');
          }
        }
        return app.commands.execute('notebook:run-all-cells');
      })().then(
        (ok) => { state.ok = ok; state.done = true; },
        (err) => { state.error = String(err && err.stack || err); state.done = true; });
      return true;
    },

    runFinished(path) {
      const state = runs.get(path);
      const kernel = kernelOf(path);
      return Boolean(state && state.done && kernel && kernel.status === 'idle'
        && codeCells(panelOf(path)).every((c) => (c.model.executionState || 'idle') === 'idle'));
    },

    // Text that a widget output shows while its view is missing.
    widgetPlaceholders(path) {
      const outputs = panelOf(path).node.querySelectorAll('.jp-OutputArea-output');
      let loading = 0, failed = 0;
      for (const out of outputs) {
        const text = out.textContent || '';
        if (text.includes('Loading widget...') || text.includes('Loading widget\u2026')) loading++;
        if (text.includes('Error displaying widget')) failed++;
      }
      return { loading, failed };
    },

    // No widget output still shows "Loading widget...".
    widgetsLoaded(path) {
      return this.widgetPlaceholders(path).loading === 0;
    },

    // Every live ipympl figure has pixels on its canvas.
    figuresPainted(path) {
      return figureCanvases(panelOf(path).node).every((c) => painted(c));
    },

    // Everything the notebook test asserts on, as plain data.
    report(path) {
      const panel = panelOf(path);
      const run = runs.get(path) || {};
      const cells = codeCells(panel).map((cell) => ({
        index: panel.content.widgets.indexOf(cell),
        source: cell.model.sharedModel.getSource().slice(0, 200),
        executionCount: cell.model.executionCount,
        outputs: cell.model.outputs.toJSON(),
      }));
      const errorNodes = panel.node.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],' +
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').length;
      const figures = figureCanvases(panel.node).map((c) => {
        const px = pixels(c);
        let opaque = 0;
        for (let i = 0; i < px.length; i++) if (px[i] >>> 24) opaque++;
        return { width: c.width, height: c.height, opaque };
      });
      return {
        runOk: run.ok === undefined ? null : run.ok, runError: run.error || null,
        cells, errorNodes, figures, ...this.widgetPlaceholders(path),
      };
    },

    // Run code in the notebook's kernel (not in a cell); resolve to its stdout.
    async kernelExec(path, code) {
      const kernel = kernelOf(path);
      const future = kernel.requestExecute({ code, silent: false, store_history: false });
      let stdout = '', error = null;
      future.onIOPub = (msg) => {
        const t = msg.header.msg_type;
        if (t === 'stream' && msg.content.name === 'stdout') stdout += msg.content.text;
        if (t === 'stream' && msg.content.name === 'stderr') error = (error || '') + msg.content.text;
        if (t === 'error') error = `${msg.content.ename}: ${msg.content.evalue}`;
      };
      await future.done;
      if (error !== null) throw new Error(`kernel: ${error}`);
      return stdout;
    },

    // Wait until the kernel is idle and the figure has not been redrawn (and its
    // pixels have not changed) for `quietFrames` animation frames in a row.
    async settle(path, quietFrames, timeoutMs) {
      const canvas = watchedFigure(path);
      const deadline = performance.now() + timeoutMs;
      let last = pixels(canvas), draws = canvas.__mlekitDraws, quiet = 0;
      while (quiet < quietFrames) {
        if (performance.now() > deadline) return false;
        await nextFrame();
        const now = pixels(canvas);
        const kernel = kernelOf(path);
        const still = samePixels(now, last) && canvas.__mlekitDraws === draws;
        quiet = still && kernel && kernel.status === 'idle' ? quiet + 1 : 0;
        last = now;
        draws = canvas.__mlekitDraws;
      }
      return true;
    },

    // Take the figure's pixels as the baseline and watch for the next keydown.
    // repaint() resolves to {ms, changed}: ms from that keydown to the first
    // animation frame at which a new frame from the kernel has been drawn onto
    // the figure's canvas (ipympl draws each frame it receives, even one whose
    // pixels equal the last), and whether that frame's pixels differ from the
    // baseline. The time is taken in the rAF callback, i.e. just before the
    // browser paints that frame.
    armRepaint(path, timeoutMs) {
      const canvas = watchedFigure(path);
      const baseline = pixels(canvas);
      this._baseline = baseline;
      const drawsBefore = canvas.__mlekitDraws;
      let t0 = null;
      const onKey = () => { if (t0 === null) t0 = performance.now(); };
      window.addEventListener('keydown', onKey, true);   // capture: before the slider sees it
      const start = performance.now();
      this._repaint = new Promise((resolve) => {
        const done = (result) => { window.removeEventListener('keydown', onKey, true); resolve(result); };
        const tick = () => {
          if (t0 !== null) {
            const changed = !samePixels(pixels(canvas), baseline);
            if (changed || canvas.__mlekitDraws !== drawsBefore) {
              done({ ms: performance.now() - t0, changed, keySeen: true });
              return;
            }
          }
          if (performance.now() - start > timeoutMs) {
            done({ ms: null, changed: false, keySeen: t0 !== null });
            return;
          }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      return baseline.length;
    },

    repaint() { return this._repaint; },

    // Did the figure's pixels change since armRepaint() (after a move has settled)?
    changedSinceArm(path) {
      return !samePixels(pixels(watchedFigure(path)), this._baseline);
    },

    // ---- a burst of key presses (bench_burst.py)
    // Dispatch `presses` keydown events for `key` on the element matching `selector` in
    // `path`, one every `intervalMs`, and watch the figure's canvas on every animation
    // frame until it has been quiet (no draw, no pixel change, kernel idle) for `quietMs`.
    // Returns how many animation frames showed a new picture (a draw or changed pixels)
    // from the first press on, and the time from the last press to the last such frame.
    async burst(path, selector, key, presses, intervalMs, quietMs, timeoutMs) {
      const canvas = watchedFigure(path);
      const target = panelOf(path).node.querySelector(selector);
      if (!target) throw new Error(`nothing matches ${selector} in ${path}`);
      target.focus();
      let last = pixels(canvas), draws = canvas.__mlekitDraws;
      let frames = 0, lastChange = null, lastPress = null, watching = true;
      const watch = () => {
        if (!watching) return;
        const now = pixels(canvas);
        if (canvas.__mlekitDraws !== draws || !samePixels(now, last)) {
          frames++;
          lastChange = performance.now();
        }
        last = now;
        draws = canvas.__mlekitDraws;
        requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      const start = performance.now();
      for (let i = 0; i < presses; i++) {
        const due = start + i * intervalMs;
        while (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
        lastPress = performance.now();
        target.dispatchEvent(new KeyboardEvent('keydown', { key, code: key, bubbles: true, cancelable: true }));
      }
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        await nextFrame();
        const kernel = kernelOf(path);
        const since = performance.now() - (lastChange === null ? lastPress : Math.max(lastChange, lastPress));
        if (since > quietMs && kernel && kernel.status === 'idle') break;
      }
      watching = false;
      return { frames, lastPress: lastPress - start, lastChange: lastChange === null ? null : lastChange - start,
               lagMs: lastChange === null ? null : lastChange - lastPress,
               spanMs: lastPress - start, settled: performance.now() < deadline };
    },

    // ---- the self-study edition (test_selfstudy.py)
    // Tag every cell's node with its index and nbgrader grade id, for Playwright locators.
    tagCells(path) {
      const panel = panelOf(path);
      panel.content.widgets.forEach((cell, index) => {
        cell.node.dataset.mlekitCell = String(index);
        const meta = cell.model.getMetadata('nbgrader');
        if (meta && meta.grade_id) cell.node.dataset.gradeId = meta.grade_id;
      });
      return panel.content.widgets.length;
    },

    // Make cell `index` the active one and run every cell above it.
    async runAbove(path, index) {
      const panel = panelOf(path);
      app.shell.activateById(panel.id);
      panel.content.activeCellIndex = index;
      await app.commands.execute('notebook:run-all-above');
      return true;
    },

    // Have all code cells above `index` run, and is the kernel idle?
    ranAbove(path, index) {
      const cells = panelOf(path).content.widgets.slice(0, index);
      const kernel = kernelOf(path);
      return Boolean(kernel && kernel.status === 'idle') && cells.every((c) =>
        c.model.type !== 'code' || (c.model.executionCount !== null
          && (c.model.executionState || 'idle') === 'idle'));
    },

    // A cell's execution count, whether it is running, and whether the kernel is idle.
    cellState(path, index) {
      const cell = panelOf(path).content.widgets[index];
      const kernel = kernelOf(path);
      return {
        count: cell.model.type === 'code' ? cell.model.executionCount : null,
        running: (cell.model.executionState || 'idle') !== 'idle',
        idle: Boolean(kernel && kernel.status === 'idle'),
        rendered: cell.model.type === 'markdown' ? cell.rendered : null,
      };
    },

    // Does `text` draw as real glyphs in the font of the first element matching `selector`?
    // A character no installed font has is drawn as the same "tofu" box as U+10FFFD (a
    // private-use code point no font covers); an emoji without an emoji font is one.
    glyphRenders(selector, text) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`nothing matches ${selector}`);
      const style = getComputedStyle(el);
      const draw = (s) => {
        const canvas = document.createElement('canvas');
        canvas.width = 96; canvas.height = 48;
        const g = canvas.getContext('2d');
        g.font = `${style.fontSize} ${style.fontFamily}`;
        g.fillStyle = '#000';
        g.textBaseline = 'middle';
        g.fillText(s, 8, 24);
        return Array.from(g.getImageData(0, 0, 96, 48).data);
      };
      const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
      const tofu = draw('\u{10FFFD}');
      const blank = draw('');
      return Array.from(text).map((ch) => {
        const px = draw(ch);
        return { ch, font: style.fontFamily, drawn: !same(px, blank), tofu: same(px, tofu) };
      });
    },

    async close(path) {
      const panel = panels.get(path);
      if (!panel) return;
      panels.delete(path);
      runs.delete(path);
      try { await panel.sessionContext.shutdown(); } catch (e) { /* already gone */ }
      panel.context.model.dirty = false;
      panel.dispose();
    },
  };
})();
