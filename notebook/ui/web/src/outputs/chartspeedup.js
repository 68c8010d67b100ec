// chartspeedup.js replaces a few zrender and ECharts methods that the server's
// JavaScript interpreter (goja: no JIT, so every call, property lookup, boxed
// number and arguments object costs) runs slowly when it draws a chart as SVG,
// with versions that compute the same thing with less work. Browsers do not
// need it: only the server calls speedUp (renderers/chart).
//
// Each replacement must leave ECharts' output byte for byte the same. Where a
// replacement handles only the common case (a line series' points in a typed
// array, a path of straight lines), it hands anything else to the method it
// replaces. The server's tests draw charts with and without speedUp and compare
// the SVG (renderers/chart, TestSpeedUpSameSVG).
//
// The reasoning for each one is beside it; "the original" is the method as
// zrender or ECharts ships it (node_modules, the version of the lockfile).
import PathProxy from 'zrender/lib/core/PathProxy.js';
import SVGPathRebuilder from 'zrender/lib/svg/SVGPathRebuilder.js';
import { ECPolyline } from 'echarts/lib/chart/line/poly.js';
import Cartesian2D from 'echarts/lib/coord/cartesian/Cartesian2D.js';
import DataStore from 'echarts/lib/data/DataStore.js';
import Polygon from 'zrender/lib/graphic/shape/Polygon.js';
import Polyline from 'zrender/lib/graphic/shape/Polyline.js';
import BoundingRect from 'zrender/lib/core/BoundingRect.js';
import { map } from 'zrender/lib/core/util.js';
import { PRIORITY } from 'echarts/core';
import { isDimensionStacked } from 'echarts/lib/data/helper/dataStackHelper.js';
import { createFloat32Array } from 'echarts/lib/util/vendor.js';
import { DefaultDataProvider } from 'echarts/lib/data/helper/dataProvider.js';

const { M, L, Z } = PathProxy.CMD;
const round = Math.round;

let installed = false;
let layoutDone = false;
const report = []; // what is replaced, for the server's tests

/** speedUpReport lists the replacements in place. */
export function speedUpReport() {
  return report.slice();
}

/** speedUp installs the replacements, once. */
export function speedUp() {
  if (installed) return;
  installed = true;
  const proxy = PathProxy.prototype;
  const rebuilder = SVGPathRebuilder.prototype;

  // plainProxy reports whether ctx is a PathProxy that records into an array
  // ending where the path does (so push appends where addData writes) and
  // draws nowhere else, with _ux = _uy = 0 (no setScale: SVG output) and the
  // prototype's own moveTo, lineTo and closePath.
  const plainProxy = (ctx) => ctx instanceof PathProxy && !ctx._ctx && ctx._saveData && ctx._ux === 0 && ctx._uy === 0
    && ctx.data instanceof Array && ctx.data.length === ctx._len
    && ctx.moveTo === proxy.moveTo && ctx.lineTo === proxy.lineTo && ctx.closePath === proxy.closePath;

  // A line series' path (ECPolyline.buildPath) when it is straight (smooth 0),
  // does not connect nulls and its points are a typed array (what the line
  // layout makes), built into a plain PathProxy. The original calls
  // drawSegment per run of legal points, which calls isPointIllegal, moveTo
  // or lineTo and addData per point; this does what they do in one loop:
  //  - a run starts at a legal point with moveTo and continues with lineTo
  //    until a point that is not (a gap: NaN or infinite), which is skipped;
  //  - a point less than √0.5 from the last one drawn is left out (dx² + dy²
  //    < 0.5, the last drawn point unchanged);
  //  - lineTo with _ux = _uy = 0 always draws here: its point is at least
  //    √0.5 from the last drawn one, which is _xi, _yi; so the pending
  //    point stays 0 (moveTo resets it) and _xi, _yi follow every point.
  // For numbers, isFinite(x) && isFinite(y) is x * 0 + y * 0 === 0, and a
  // typed array holds only numbers.
  const polylineBuildPath = ECPolyline.prototype.buildPath;
  ECPolyline.prototype.buildPath = function (ctx, shape) {
    const points = shape.points;
    if (shape.smooth > 0 || shape.connectNulls || !(points instanceof Float32Array || points instanceof Float64Array)
      || !plainProxy(ctx)) {
      return polylineBuildPath.call(this, ctx, shape);
    }
    const data = ctx.data;
    let x0 = ctx._x0;
    let y0 = ctx._y0;
    let xi = ctx._xi;
    let yi = ctx._yi;
    let moved = false;
    // j = 2 × the point's index; the loop ends at 2 × len, the first
    // index drawSegment does not look at.
    const end = points.length;
    let j = 0;
    while (j < end) {
      // drawSegment(ctx, points, i, len, len, 1, …) looks at points i, i+1,
      // … up to the first illegal one or the end, and the caller goes on
      // after the point that stopped it.
      let x = points[j];
      let y = points[j + 1];
      if (x * 0 + y * 0 === 0) {
        // moveTo
        moved = true;
        data.push(M, x, y);
        x0 = xi = x;
        y0 = yi = y;
        for (j += 2; j < end; j += 2) {
          x = points[j];
          y = points[j + 1];
          if (x * 0 + y * 0 !== 0) break;
          const dx = x - xi;
          const dy = y - yi;
          // (a side of 1 or more is enough without squaring; points are
          // often less than a pixel apart in x, seldom in y)
          if (dy < 1 && dy > -1 && dx < 1 && dx > -1 && dx * dx + dy * dy < 0.5) continue;
          // lineTo
          data.push(L, x, y);
          xi = x;
          yi = y;
        }
      }
      j += 2;
    }
    ctx._len = data.length;
    if (moved) {
      ctx._pendingPtDist = 0;
      ctx._x0 = x0;
      ctx._y0 = y0;
      ctx._xi = xi;
      ctx._yi = yi;
    }
  };

  report.push('ECPolyline.buildPath');

  // The data shadow of the zoom slider is a polygon and a polyline of a
  // point per pixel or so (three times over), whose bounding rectangle the
  // slider measures: zrender's poly helper calls moveTo, then lineTo per
  // point, then closePath for a polygon. This does the same into a plain
  // PathProxy. With _ux = _uy = 0, lineTo moves _xi, _yi to its point unless
  // dx = |x − xi| and dy are both 0 or NaN, and then leaves the pending point
  // alone (dx² + dy² is 0 or NaN, not more than it).
  const polyBuildPath = (original, close) => function (ctx, shape) {
    const points = shape.points;
    if (shape.smooth || !Array.isArray(points) || !plainProxy(ctx)) {
      return original.call(this, ctx, shape);
    }
    const count = points.length;
    if (count < 2) return;
    const data = ctx.data;
    let p = points[0];
    let xi = p[0];
    let yi = p[1];
    // moveTo
    data.push(M, xi, yi);
    ctx._pendingPtDist = 0;
    ctx._x0 = xi;
    ctx._y0 = yi;
    for (let i = 1; i < count; i++) {
      p = points[i];
      const x = p[0];
      const y = p[1];
      data.push(L, x, y);
      const dx = x - xi;
      const dy = y - yi;
      if (dx < 0 || dx > 0 || dy < 0 || dy > 0) {
        xi = x;
        yi = y;
      }
    }
    ctx._len = data.length;
    ctx._xi = xi;
    ctx._yi = yi;
    if (close) ctx.closePath();
  };
  Polyline.prototype.buildPath = polyBuildPath(Polyline.prototype.buildPath, false);
  Polygon.prototype.buildPath = polyBuildPath(Polygon.prototype.buildPath, true);
  report.push('Polyline.buildPath', 'Polygon.buildPath');

  // The bounding rectangle of a path of moves, lines and closes. The
  // original takes, command by command, the Math.min and Math.max of the
  // points it passes (a line: its start, the last point, and its end) into
  // the running minimum and maximum, which come to the Math.min and
  // Math.max of all of them, in any order (NaN if any is NaN, −0 below +0).
  // When v > min, Math.min(min, v) is min: only the other case needs the
  // call. Paths with other commands go to the original.
  const boundingRect = proxy.getBoundingRect;
  proxy.getBoundingRect = function () {
    const data = this.data;
    const len = this._len;
    let x1 = Number.MAX_VALUE;
    let y1 = Number.MAX_VALUE;
    let x2 = -Number.MAX_VALUE;
    let y2 = -Number.MAX_VALUE;
    // (before the first command, the original takes the numbers after it
    // as the start and the last point)
    let x0 = len > 0 ? data[1] : 0;
    let y0 = len > 0 ? data[2] : 0;
    let xi = x0;
    let yi = y0;
    let i = 0;
    while (i < len) {
      const cmd = data[i++];
      if (cmd === L) {
        const x = data[i];
        const y = data[i + 1];
        i += 2;
        if (!(xi > x1)) x1 = Math.min(x1, xi);
        if (!(x > x1)) x1 = Math.min(x1, x);
        if (!(yi > y1)) y1 = Math.min(y1, yi);
        if (!(y > y1)) y1 = Math.min(y1, y);
        if (!(xi < x2)) x2 = Math.max(x2, xi);
        if (!(x < x2)) x2 = Math.max(x2, x);
        if (!(yi < y2)) y2 = Math.max(y2, yi);
        if (!(y < y2)) y2 = Math.max(y2, y);
        xi = x;
        yi = y;
      } else if (cmd === M) {
        xi = x0 = data[i];
        yi = y0 = data[i + 1];
        i += 2;
        if (!(x0 > x1)) x1 = Math.min(x1, x0);
        if (!(y0 > y1)) y1 = Math.min(y1, y0);
        if (!(x0 < x2)) x2 = Math.max(x2, x0);
        if (!(y0 < y2)) y2 = Math.max(y2, y0);
      } else if (cmd === Z) {
        xi = x0;
        yi = y0;
      } else {
        return boundingRect.call(this);
      }
    }
    if (i === 0) {
      x1 = y1 = x2 = y2 = 0;
    }
    return new BoundingRect(x1, y1, x2 - x1, y2 - y1);
  };

  report.push('PathProxy.getBoundingRect');

  // A path of moves, lines and closes replayed into SVG path text
  // (PathProxy.rebuildPath into an SVGPathRebuilder, whole: percent 1), with
  // _ux = _uy = 0. The original calls the rebuilder's moveTo or lineTo per
  // point, which push "M" or "L" and the coordinates rounded to the
  // rebuilder's precision; this does the same in one loop. With
  // _ux = _uy = 0 the original draws a line unless its point is where the
  // last one drawn was (or a coordinate is NaN), and keeps no pending point:
  // dx > 0 || dy > 0 with dx = |x − xi| is x < xi || x > xi || y < yi || y >
  // yi. A NaN coordinate that is drawn makes the whole path empty, as the
  // rebuilder's isNaN check does. A path with any other command (curves,
  // arcs, rectangles) goes to the original, from the start: the rebuilder is
  // put back as it was.
  const rebuildPath = proxy.rebuildPath;
  proxy.rebuildPath = function (ctx, percent) {
    if (percent < 1 || !(ctx instanceof SVGPathRebuilder) || this._ux !== 0 || this._uy !== 0 || ctx.moveTo !== rebuilder.moveTo
      || ctx.lineTo !== rebuilder.lineTo || ctx.closePath !== rebuilder.closePath) {
      return rebuildPath.call(this, ctx, percent);
    }
    const d = this.data;
    const len = this._len;
    const out = ctx._d;
    const p = ctx._p;
    const start = out.length;
    let o = start;
    let invalid = false;
    let last = 0; // what the rebuilder's _start became: 0 unchanged, 1 false, 2 true
    // (before the first command, the original takes the numbers after it
    // as the start and the last point)
    let x0 = len > 0 ? d[1] : undefined;
    let y0 = len > 0 ? d[2] : undefined;
    let xi = x0;
    let yi = y0;
    for (let i = 0; i < len;) {
      const cmd = d[i++];
      if (cmd === L) {
        const x = d[i];
        const y = d[i + 1];
        i += 2;
        if (x < xi || x > xi || y < yi || y > yi) {
          if (x !== x || y !== y) {
            invalid = true;
          } else {
            out[o++] = 'L' + round(x * p) / p + ' ' + round(y * p) / p;
            last = 1;
          }
          xi = x;
          yi = y;
        }
      } else if (cmd === M) {
        x0 = xi = d[i];
        y0 = yi = d[i + 1];
        i += 2;
        if (xi !== xi || yi !== yi) {
          invalid = true;
        } else {
          out[o++] = 'M' + round(xi * p) / p + ' ' + round(yi * p) / p;
          last = 1;
        }
      } else if (cmd === Z) {
        // the rebuilder's closePath: "Z" once anything is written
        if (o > 0) {
          out[o++] = 'Z';
          last = 2;
        }
        xi = x0;
        yi = y0;
      } else {
        out.length = start;
        return rebuildPath.call(this, ctx, percent);
      }
    }
    if (invalid) ctx._invalid = true;
    if (last) ctx._start = last === 2;
  };

  report.push('PathProxy.rebuildPath');


  // Points handed in as a typed array (what the server does): the data
  // store copies them, dimension by dimension, into its columns and keeps
  // each column's extent (the provider's fillStorage, a function ECharts
  // gives every provider of a typed array; a provider made here shows which).
  // This copies both dimensions of a point in one pass: each column gets the
  // same values in the same order, and its minimum and maximum come from the
  // same comparisons in the same order (so NaN is passed over and the first
  // of +0 and −0 stays), fewer index sums per value.
  const typedFill = new DefaultDataProvider(new Float64Array(2), 2).fillStorage;
  const initData = DataStore.prototype.initData;
  if (typeof typedFill === 'function') {
    const fill2 = function (start, end, storage, extent) {
      if (this._dimSize !== 2) return typedFill.call(this, start, end, storage, extent);
      const data = this._data;
      const e0 = extent[0];
      const e1 = extent[1];
      let min0 = e0[0] == null ? Infinity : e0[0];
      let max0 = e0[1] == null ? -Infinity : e0[1];
      let min1 = e1[0] == null ? Infinity : e1[0];
      let max1 = e1[1] == null ? -Infinity : e1[1];
      const col0 = storage[0];
      const col1 = storage[1];
      // value i of dimension d is data[2i + d], stored at start + i
      for (let a = start, k = 0, stop = end; a < stop; a++, k += 2) {
        const v0 = data[k];
        const v1 = data[k + 1];
        col0[a] = v0;
        col1[a] = v1;
        v0 < min0 && (min0 = v0);
        v0 > max0 && (max0 = v0);
        v1 < min1 && (min1 = v1);
        v1 > max1 && (max1 = v1);
      }
      e0[0] = min0;
      e0[1] = max0;
      e1[0] = min1;
      e1[1] = max1;
    };
    DataStore.prototype.initData = function (provider) {
      if (provider && provider.fillStorage === typedFill) provider.fillStorage = fill2;
      return initData.apply(this, arguments);
    };
    report.push('typed array fillStorage');
  }

  // The zoom (dataZoom, filter mode) keeps the points of a series whose
  // value on the zoomed axis is in its window, or NaN: DataStore.selectRange
  // with one dimension walks the whole column. When the store is not
  // filtered yet, the column is of numbers and its extent (the store's raw
  // extent of the dimension: the least and greatest of its values but NaN)
  // lies in the window, every point is kept, and the original returns a
  // clone with the same count, no indices and an empty extent cache; so does
  // this, without the walk.
  const selectRange = DataStore.prototype.selectRange;
  DataStore.prototype.selectRange = function (range) {
    const dims = range && !this._indices && this._count > 0 ? Object.keys(range) : null;
    if (dims && dims.length === 1) {
      const dim = dims[0];
      const window = range[dim];
      const extent = this._rawExtent[dim];
      if (this._chunks[dim] instanceof Float64Array && extent && window
        && extent[0] >= window[0] && extent[1] <= window[1]) {
        const store = this.clone();
        store._extent = [];
        store._updateGetRawIdx();
        return store;
      }
    }
    return selectRange.call(this, range);
  };
  report.push('DataStore.selectRange');

}

/**
 * speedUpChart installs, once speedUp has been called, the replacement that
 * needs a chart to find what it replaces: call it on a new chart before its
 * first setOption. ECharts keeps the stage handlers it registered (layouts,
 * visuals) in a list of its own, which each chart's scheduler copies; the line
 * layout is the handler of series type "line" at the layout priority
 * (echarts/lib/layout/points.js, registered by the line chart). When it is not
 * there (another ECharts), nothing changes.
 */
export function speedUpChart(chart) {
  if (!installed || layoutDone) return;
  layoutDone = true;
  const handlers = chart && chart._scheduler && chart._scheduler._visualHandlers;
  const layout = Array.isArray(handlers) && handlers.find((h) => h && h.seriesType === 'line'
    && h.__prio === PRIORITY.VISUAL.LAYOUT && typeof h.reset === 'function' && typeof h.plan === 'function');
  if (!layout) return;
  const reset = layout.reset;
  const rawIdentity = DataStore.prototype._getRawIdxIdentity;

  // The line layout (pointsLayout('line', true)): its reset finds the
  // store and the two dimensions of the coordinate system (the stacked
  // result for a stacked one), and returns a progress that, for each data
  // index, gets both values with DataStore.get and puts the pixel position
  // that Cartesian2D.dataToPoint gives in a Float32Array, then sets it as the
  // data's "points" layout. This reset finds the same things with the same
  // calls and, for a cartesian chart of two dimensions, returns a progress
  // that does the same for the common case, and hands the rest to the
  // original's:
  //  - the store is not filtered (getRawIndex is the identity), has both
  //    columns and the indices to lay out, so get(dim, i) is the column's
  //    value i;
  //  - the transform is [sx, 0, 0, sy, tx, ty] (the axes are linear, as for
  //    time and value axes) with tx, ty not 0: dataToPoint's fast path (both
  //    values finite) computes sx * x + 0 * y + tx, which is sx * x + tx (0 *
  //    y is ±0, and adding ±0 changes nothing but the sign of a zero sum,
  //    which a non-zero tx rules out), and likewise for y;
  //  - other points (a gap) go to dataToPoint as they are.
  // Columns of numbers (typed arrays) are finite where x * 0 + y * 0 is 0.
  layout.reset = function (seriesModel) {
    const original = reset.apply(this, arguments);
    const coordSys = seriesModel.coordinateSystem;
    if (!original || !(coordSys instanceof Cartesian2D)) return original;
    const data = seriesModel.getData();
    const dims = map(coordSys.dimensions, (dim) => data.mapDimension(dim)).slice(0, 2);
    if (dims.length !== 2) return original;
    const stackResultDim = data.getCalculationInfo('stackResultDimension');
    if (isDimensionStacked(data, dims[0])) dims[0] = stackResultDim;
    if (isDimensionStacked(data, dims[1])) dims[1] = stackResultDim;
    const store = data.getStore();
    const dimIdx0 = data.getDimensionIndex(dims[0]);
    const dimIdx1 = data.getDimensionIndex(dims[1]);
    return {
      progress(params, seriesData) {
        const m = coordSys._transform;
        const start = params.start;
        const end = params.end;
        const col0 = store._chunks[dimIdx0];
        const col1 = store._chunks[dimIdx1];
        if (store.getRawIndex !== rawIdentity || !(start >= 0 && end <= store._count) || !col0 || !col1
          || !m || m[1] !== 0 || m[2] !== 0 || m[4] === 0 || m[5] === 0) {
          return original.progress.call(this, params, seriesData);
        }
        const sx = m[0];
        const sy = m[3];
        const tx = m[4];
        const ty = m[5];
        const points = createFloat32Array((end - start) * 2);
        const numbers = col0 instanceof Float64Array && col1 instanceof Float64Array;
        const tmpIn = [];
        const tmpOut = [];
        let offset = 0;
        for (let i = start; i < end; i++) {
          const x = col0[i];
          const y = col1[i];
          if (numbers ? x * 0 + y * 0 === 0 : x != null && isFinite(x) && y != null && isFinite(y)) {
            points[offset] = sx * x + tx;
            points[offset + 1] = sy * y + ty;
          } else {
            tmpIn[0] = x;
            tmpIn[1] = y;
            const point = coordSys.dataToPoint(tmpIn, null, tmpOut);
            points[offset] = point[0];
            points[offset + 1] = point[1];
          }
          offset += 2;
        }
        seriesData.setLayout('points', points);
        seriesData.setLayout('pointsRange', { start, end });
      },
    };
  };
  report.push('line layout');
}
