// The replacements of chartspeedup.js against the methods they replace, on
// random input: the same path data, path state, SVG path text, bounding
// rectangles, data store columns and extents. (The server's tests compare
// whole charts drawn in goja: renderers/chart, TestSpeedUpSameSVG.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import PathProxy from 'zrender/lib/core/PathProxy.js';
import SVGPathRebuilder from 'zrender/lib/svg/SVGPathRebuilder.js';
import Polygon from 'zrender/lib/graphic/shape/Polygon.js';
import Polyline from 'zrender/lib/graphic/shape/Polyline.js';
import { ECPolyline } from 'echarts/lib/chart/line/poly.js';
import DataStore from 'echarts/lib/data/DataStore.js';
import { DefaultDataProvider } from 'echarts/lib/data/helper/dataProvider.js';
import { speedUp } from './chartspeedup.js';

// The originals, before speedUp replaces them.
const proxy = PathProxy.prototype;
const original = {
  rebuildPath: proxy.rebuildPath,
  getBoundingRect: proxy.getBoundingRect,
  ecPolyline: ECPolyline.prototype.buildPath,
  polyline: Polyline.prototype.buildPath,
  polygon: Polygon.prototype.buildPath,
  initData: DataStore.prototype.initData,
  selectRange: DataStore.prototype.selectRange,
};
speedUp();

// A PathProxy that rebuilds with the original method (an own property
// shadows the replaced prototype one).
function originalProxy() {
  const p = new PathProxy();
  p.rebuildPath = original.rebuildPath;
  return p;
}

// Deterministic pseudo-random numbers (mulberry32).
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A coordinate as a chart's points have them: mostly ordinary, sometimes a
// gap, a repeat, a near repeat, zero of either sign, or extreme.
function coordinate(rnd, prev) {
  const r = rnd();
  if (r < 0.06) return NaN;
  if (r < 0.08) return rnd() < 0.5 ? Infinity : -Infinity;
  if (r < 0.2 && prev !== undefined) return prev;
  if (r < 0.35 && prev !== undefined) return prev + (rnd() - 0.5) * 0.8;
  if (r < 0.38) return rnd() < 0.5 ? 0 : -0;
  if (r < 0.4) return (rnd() - 0.5) * 1e9;
  return Math.round(rnd() * 8000) / 10 - 50;
}

function points(rnd, n, Ctor) {
  const a = new Ctor(2 * n + (rnd() < 0.1 ? 1 : 0)); // an odd length now and then
  let x;
  let y;
  for (let i = 0; i < a.length; i += 2) {
    x = coordinate(rnd, x);
    y = coordinate(rnd, y);
    a[i] = x;
    a[i + 1] = y;
  }
  return a;
}

const same = (a, b) => Object.is(a, b);

// state is everything of a PathProxy the replacements touch.
function state(p) {
  return {
    data: Array.from(p.data),
    len: p._len,
    x0: p._x0, y0: p._y0, xi: p._xi, yi: p._yi,
    pendingDist: p._pendingPtDist, pendingX: p._pendingPtX, pendingY: p._pendingPtY,
  };
}
function assertSameState(a, b, what) {
  const sa = state(a);
  const sb = state(b);
  assert.equal(sb.data.length, sa.data.length, `${what}: data length`);
  sa.data.forEach((v, i) => assert.ok(same(v, sb.data[i]), `${what}: data[${i}] ${sb.data[i]}, want ${v}`));
  for (const k of ['len', 'x0', 'y0', 'xi', 'yi', 'pendingDist', 'pendingX', 'pendingY']) {
    assert.ok(same(sa[k], sb[k]), `${what}: ${k} ${sb[k]}, want ${sa[k]}`);
  }
}

function svgText(path, rebuilder, precision) {
  rebuilder.reset(precision);
  path.rebuildPath(rebuilder, 1);
  rebuilder.generateStr();
  return [rebuilder.getStr(), rebuilder._start, Boolean(rebuilder._invalid)];
}

function assertSameRect(a, b, what) {
  for (const k of ['x', 'y', 'width', 'height']) assert.ok(same(a[k], b[k]), `${what}: ${k} ${b[k]}, want ${a[k]}`);
}

// Paths at the edges: a step of exactly √0.5 (kept), just under (left out),
// repeats, gaps at both ends and in a row, a lone point.
const edges = [
  [0, 0, 0.5, 0.5, 1, 1, 1.5, 1.4999, 2, 2],
  [0, 0, 0, 0, 0, 0, 3, 3, 3, 3],
  [NaN, 1, 2, 2, NaN, NaN, 4, 4, Infinity, 5, 6, 6, 7, 7, NaN, 0],
  [5, 5],
  [NaN, NaN],
  [-0, 0, 0, -0, 1, 1],
  [],
];

test('a line series path: the same data, state, SVG text and bounding rectangle', () => {
  const rnd = random(1);
  const cases = edges.map((e) => new Float64Array(e));
  for (let c = 0; c < 400; c++) cases.push(points(rnd, Math.floor(rnd() * 60), rnd() < 0.5 ? Float32Array : Float64Array));
  for (const [c, pts] of cases.entries()) {
    // (now and then a smooth line or one across gaps, which the original draws)
    const shape = { points: pts, smooth: c % 10 === 9 ? 0.3 : 0, connectNulls: c % 10 === 8 };
    const a = originalProxy();
    const b = new PathProxy();
    original.ecPolyline.call({}, a, shape);
    ECPolyline.prototype.buildPath.call({}, b, shape);
    assertSameState(a, b, `case ${c}`);
    for (const precision of [1, 2, 4]) {
      assert.deepEqual(svgText(b, new SVGPathRebuilder(), precision), svgText(a, new SVGPathRebuilder(), precision), `case ${c}: SVG text`);
    }
    assertSameRect(original.getBoundingRect.call(a), b.getBoundingRect(), `case ${c}: bounding rectangle`);
    // Built again into the same proxies (whose data keeps its old tail).
    const again = { points: cases[(c * 7) % cases.length], smooth: 0, connectNulls: false };
    a.beginPath();
    b.beginPath();
    original.ecPolyline.call({}, a, again);
    ECPolyline.prototype.buildPath.call({}, b, again);
    assertSameState(a, b, `case ${c}, built again`);
  }
});

test('polylines and polygons: the same data, state, SVG text and bounding rectangle', () => {
  const rnd = random(2);
  for (let c = 0; c < 300; c++) {
    const n = Math.floor(rnd() * 40);
    const pts = [];
    let x;
    let y;
    for (let i = 0; i < n; i++) {
      x = coordinate(rnd, x);
      y = coordinate(rnd, y);
      pts.push([x, y]);
    }
    for (const [Shape, buildPath] of [[Polyline, original.polyline], [Polygon, original.polygon]]) {
      const a = originalProxy();
      const b = new PathProxy();
      if (c % 5 === 4) { // segments shorter than a unit are pending
        a.setScale(2, 2, 1);
        b.setScale(2, 2, 1);
      }
      buildPath.call({}, a, { points: pts, smooth: 0 });
      Shape.prototype.buildPath.call({}, b, { points: pts, smooth: 0 });
      assertSameState(a, b, `case ${c}`);
      assert.deepEqual(svgText(b, new SVGPathRebuilder(), 1), svgText(a, new SVGPathRebuilder(), 1), `case ${c}: SVG text`);
      assertSameRect(original.getBoundingRect.call(a), b.getBoundingRect(), `case ${c}: bounding rectangle`);
      // Built again into the same proxies (whose data keeps its old tail).
      const again = { points: pts.slice(0, pts.length >> 1), smooth: 0 };
      a.beginPath();
      b.beginPath();
      buildPath.call({}, a, again);
      Shape.prototype.buildPath.call({}, b, again);
      assertSameState(a, b, `case ${c}, built again`);
    }
  }
});

test('paths with pending points (a unit over 0) take the original rebuild and bounding rectangle', () => {
  const rnd = random(3);
  for (let c = 0; c < 200; c++) {
    const a = originalProxy();
    const b = new PathProxy();
    const scale = rnd() < 0.5 ? [1, 1, 0] : [rnd() * 3, rnd() * 3, 1 + rnd()];
    a.setScale(...scale);
    b.setScale(...scale);
    let x;
    let y;
    for (let i = 0; i < 50; i++) {
      x = coordinate(rnd, x);
      y = coordinate(rnd, y);
      const op = rnd() < 0.15 ? 'moveTo' : 'lineTo';
      a[op](x, y);
      b[op](x, y);
      if (rnd() < 0.05) {
        a.closePath();
        b.closePath();
      }
    }
    assertSameState(a, b, `case ${c}`);
    assert.deepEqual(svgText(b, new SVGPathRebuilder(), 2), svgText(a, new SVGPathRebuilder(), 2), `case ${c}: SVG text`);
    assertSameRect(original.getBoundingRect.call(a), b.getBoundingRect(), `case ${c}: bounding rectangle`);
  }
});

test('paths with curves take the original rebuild and bounding rectangle', () => {
  for (const build of [(p) => p.arc(5, 5, 3, 0, Math.PI), (p) => p.rect(1, 2, 3, 4), (p) => p.bezierCurveTo(1, 2, 3, 4, 5, 6)]) {
    const a = originalProxy();
    const b = new PathProxy();
    for (const p of [a, b]) {
      p.moveTo(1, 1);
      p.lineTo(2, 3);
      build(p);
      p.lineTo(4, 4);
      p.closePath();
    }
    assert.deepEqual(svgText(b, new SVGPathRebuilder(), 3), svgText(a, new SVGPathRebuilder(), 3));
    assertSameRect(original.getBoundingRect.call(a), b.getBoundingRect(), 'bounding rectangle');
  }
});

test('the data store gets the same columns and extents from a typed array', () => {
  const rnd = random(4);
  // (zeros of both signs as the least or greatest value, gaps only, nothing)
  const cases = [[-0, 0, 0, -0, -5, -5], [0, -0, -0, 0, -1, 3], [NaN, NaN, NaN, 1], []].map((v) => new Float64Array(v));
  for (let c = 0; c < 100; c++) cases.push(points(rnd, Math.floor(rnd() * 50), Float64Array));
  for (const [c, values] of cases.entries()) {
    const dims = [{ type: 'float' }, { type: 'float' }];
    const a = new DataStore();
    const b = new DataStore();
    original.initData.call(a, new DefaultDataProvider(values.slice(0, values.length & ~1), 2), dims);
    b.initData(new DefaultDataProvider(values.slice(0, values.length & ~1), 2), dims);
    for (const d of [0, 1]) {
      assert.deepEqual(Array.from(b._chunks[d]), Array.from(a._chunks[d]), `case ${c}: column ${d}`);
      assert.ok(same(a._rawExtent[d][0], b._rawExtent[d][0]) && same(a._rawExtent[d][1], b._rawExtent[d][1]),
        `case ${c}: extent ${d} ${b._rawExtent[d]}, want ${a._rawExtent[d]}`);
    }
    // A zoom window around the data, on it, or cutting it.
    const [lo, hi] = a._rawExtent[0];
    for (const window of [[lo, hi], [lo - 1, hi + 1], [lo + 1, hi], [-Infinity, Infinity], [hi, lo]]) {
      const sa = original.selectRange.call(a, { 0: window });
      const sb = b.selectRange({ 0: window });
      assert.equal(sb === b, sa === a, `case ${c}: window ${window}: same store`);
      assert.equal(sb.count(), sa.count(), `case ${c}: window ${window}: count`);
      assert.deepEqual(sb._indices && Array.from(sb._indices), sa._indices && Array.from(sa._indices), `case ${c}: window ${window}: indices`);
      for (let i = 0; i < sa.count(); i++) assert.ok(same(sa.get(1, i), sb.get(1, i)), `case ${c}: window ${window}: value ${i}`);
    }
  }
});
