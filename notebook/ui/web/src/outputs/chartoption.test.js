import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileName, safeOption } from './chartoption.js';

test('fileName names downloads after the cell, safely', () => {
  assert.equal(fileName('failures', 'png'), 'failures.png');
  assert.equal(fileName('cell [3]', 'svg'), 'cell_3.svg');
  assert.equal(fileName('../../etc/passwd', 'png'), 'etc_passwd.png');
  assert.equal(fileName('.hidden', 'png'), 'hidden.png');
  assert.equal(fileName('</script><img src=x>', 'png'), 'script_img_src_x.png');
  assert.equal(fileName('', 'png'), 'chart.png');
  assert.equal(fileName(null, 'svg'), 'chart.svg');
  assert.equal(fileName('x'.repeat(100), 'png'), 'x'.repeat(64) + '.png');
});

test('safeOption keeps names as text and points as numbers', () => {
  const opt = safeOption({
    title: { text: '<b>t</b>' },
    series: [
      { name: '__f__function(){alert(1)}__f__', data: [[1, 2], [2, null], ['3', 4], [4, 'x'], 'junk', [5, Infinity]] },
      { name: { toString() { return 'obj'; } }, data: 'nope' },
    ],
    legend: { formatter: '{a}<img src=x>' },
    tooltip: { formatter: 'function(){}' },
  });
  assert.equal(opt.series[0].name, '__f__function(){alert(1)}__f__');
  assert.deepEqual(opt.series[0].data, [[1, 2], [2, null], [4, null], [5, null]]);
  assert.equal(opt.series[1].name, 'obj');
  assert.deepEqual(opt.series[1].data, []);
  assert.equal(opt.title.text, '<b>t</b>');
  assert.deepEqual(opt.legend.data, ['__f__function(){alert(1)}__f__', 'obj']);
  assert.equal(opt.legend.formatter('<b>x</b>'), '<b>x</b>'); // the name itself, never a template
  assert.equal(typeof opt.tooltip.formatter, 'function');
  assert.equal(opt.animation, false);
});
