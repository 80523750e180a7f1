// mlekit track player: paints a recorded frame for the slider's value, in the browser.
//
// The kernel records, once, what the figure's moving artists draw at every position of
// one slider (mlekit/plotting/track.py) and sends it as zlib-compressed JSON (`track`)
// with the static part of the figure as a PNG (`background`). This module draws the
// frame for `value` over the background on every change of `value`, which ipywidgets'
// jslink sets from the slider in the browser: no kernel round trip.

const SCALE = 8; // coordinates arrive as integers in 1/8 px

function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream);
}

// The track's two parts (mlekit.plotting.track.pack): b"MLK1", the document's length
// (4 bytes, big endian), the zlib'd JSON document, then the zlib'd text-mask pixels.
export async function unpack(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== "MLK1") throw new Error(`not a track: starts with ${JSON.stringify(magic)}`);
  const length = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0);
  const doc = await inflate(bytes.subarray(8, 8 + length)).json();
  const blob = new Uint8Array(await inflate(bytes.subarray(8 + length)).arrayBuffer());
  doc.masks = doc.masks.map(([w, h, at]) => [w, h, blob.subarray(at, at + w * h)]);
  return doc;
}

// A canvas holding text mask `index` in colour `fill` (Agg's coverage as alpha).
function maskImage(doc, index, fill, cache) {
  const key = `${index} ${fill}`;
  let image = cache.get(key);
  if (image) return image;
  const [w, h, alpha] = doc.masks[index];
  const rgb = fill.match(/[\d.]+/g).map(Number);
  const data = new ImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    data.data[4 * i] = rgb[0]; data.data[4 * i + 1] = rgb[1]; data.data[4 * i + 2] = rgb[2];
    data.data[4 * i + 3] = alpha[i];
  }
  image = new OffscreenCanvas(w, h);
  image.getContext("2d").putImageData(data, 0, 0);
  cache.set(key, image);
  return image;
}

// A Path2D from matplotlib's vertices and codes (1 move, 2 line, 3 quadratic, 4 cubic,
// 79 close); codes null means one polyline.
export function pathOf(coords, codes) {
  const path = new Path2D();
  const n = coords.length / 2;
  const x = (i) => coords[2 * i] / SCALE;
  const y = (i) => coords[2 * i + 1] / SCALE;
  if (!codes) {
    for (let i = 0; i < n; i++) (i ? path.lineTo(x(i), y(i)) : path.moveTo(x(i), y(i)));
    return path;
  }
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code === 1) path.moveTo(x(i), y(i));
    else if (code === 2) path.lineTo(x(i), y(i));
    else if (code === 3) { path.quadraticCurveTo(x(i), y(i), x(i + 1), y(i + 1)); i += 1; }
    else if (code === 4) {
      path.bezierCurveTo(x(i), y(i), x(i + 1), y(i + 1), x(i + 2), y(i + 2)); i += 2;
    } else if (code === 79) path.closePath();
  }
  return path;
}

// The frame index whose value is nearest to v (values sorted ascending).
export function nearest(values, v) {
  let lo = 0, hi = values.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= v) lo = mid; else hi = mid;
  }
  return Math.abs(values[hi] - v) < Math.abs(values[lo] - v) ? hi : lo;
}

function applyStyle(ctx, style) {
  ctx.lineWidth = style.lw;
  ctx.lineCap = style.cap;
  ctx.lineJoin = style.join;
  ctx.setLineDash(style.dash || []);
  ctx.lineDashOffset = style.dash_offset || 0;
  if (style.fill) ctx.fillStyle = style.fill;
  if (style.stroke) ctx.strokeStyle = style.stroke;
}

function paintPath(ctx, style, path) {
  if (style.fill) ctx.fill(path);
  if (style.stroke) ctx.stroke(path);
}

// Draw frame `index` of `doc` over `background` on `ctx`; shapes are cached Path2D's.
export function paint(ctx, doc, index, background, cache) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, doc.w, doc.h);
  if (background) ctx.drawImage(background, 0, 0);
  for (const op of doc.frames[index]) {
    const [kind, styleIndex, clipIndex] = op;
    const style = doc.styles[styleIndex];
    ctx.save();
    if (clipIndex >= 0) {
      const [x, y, w, h] = doc.clips[clipIndex];
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      ctx.clip();
    }
    applyStyle(ctx, style);
    if (kind === "path") {
      paintPath(ctx, style, pathOf(op[3], op[4]));
    } else if (kind === "markers") {
      const marker = pathOf(op[3][0], op[3][1]);
      const at = op[4];
      for (let i = 0; i < at.length; i += 2) {
        ctx.setTransform(1, 0, 0, 1, at[i] / SCALE, at[i + 1] / SCALE);
        paintPath(ctx, style, marker);
      }
    } else if (kind === "text") {
      let shape = cache.get(op[3]);
      if (!shape) {
        const [coords, codes] = doc.shapes[op[3]];
        shape = pathOf(coords, codes);
        cache.set(op[3], shape);
      }
      ctx.setTransform(...op[4]);
      ctx.fill(shape);
    } else if (kind === "bitmap") {
      ctx.drawImage(maskImage(doc, op[3], style.fill, cache), op[4], op[5]);
    }
    ctx.restore();
  }
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "mlekit-track";
  const readout = document.createElement("div");
  readout.className = "mlekit-track-readout";
  el.append(canvas, readout);
  const ctx = canvas.getContext("2d");
  let doc = null, background = null, cache = new Map();

  function show() {
    if (!doc) return;
    const index = nearest(doc.values, model.get("value"));
    paint(ctx, doc, index, background, cache);
    if (doc.readouts) readout.innerHTML = doc.readout_texts[doc.readouts[index]];
    el.dataset.frame = String(index);
  }
  function schedule() {
    // paint now: a frame costs about a millisecond, and waiting for the next animation
    // frame would add up to 16 ms; the browser shows the canvas as it is at its next paint
    show();
  }
  async function load() {
    const track = model.get("track");
    const png = model.get("background");
    if (!track || !track.byteLength) return;
    const next = await unpack(track);
    if (png && png.byteLength) {
      const blob = new Blob([new Uint8Array(png.buffer, png.byteOffset, png.byteLength)],
                            { type: "image/png" });
      background = await createImageBitmap(blob);
    }
    doc = next;
    cache = new Map();
    canvas.width = doc.w;
    canvas.height = doc.h;
    canvas.style.width = `${doc.w}px`;
    canvas.style.height = `${doc.h}px`;
    show();
    el.dataset.ready = "true";
  }
  model.on("change:value", schedule);
  model.on("change:track", load);
  model.on("change:background", load);
  load();
  return () => {
    model.off("change:value", schedule);
    model.off("change:track", load);
    model.off("change:background", load);
  };
}

export default { render };
