/** The viewer's URL settings (page/settings.ts) and its logarithmic eps slider (page/epsScale.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epsOfPosition, greyLevels, MAX_LEVELS, MIN_LEVELS, positionOfEps, SLIDER_STEPS } from '../../../../../src/lab/web/page/epsScale.ts';
import { DEFAULT_SETTINGS, formatSettings, parseSettings, type ViewerSettings } from '../../../../../src/lab/web/page/settings.ts';

test('settings survive a round trip through the URL hash, defaults left out', () => {
  const view: ViewerSettings = { ...DEFAULT_SETTINGS, game: 'Seaquest-v0', model: 'seaquest-a3c', attack: 'pgd', norm: 'l2', eps: 0.5, timing: 'strategic', beta: 0.25, target: 2, pgdSteps: 20, seed: 7, speed: 0 };
  const hash = formatSettings(view);
  assert.equal(hash, 'game=Seaquest-v0&model=seaquest-a3c&attack=pgd&norm=l2&eps=0.5&timing=strategic&beta=0.25&target=2&pgdSteps=20&seed=7&speed=0');
  assert.deepEqual(parseSettings(`#${hash}`), { settings: view, ignored: [] });
  assert.equal(formatSettings(DEFAULT_SETTINGS), '');
});

test('a bad or unknown value falls back to its default and is reported, never thrown', () => {
  const { settings, ignored } = parseSettings('?eps=-1&norm=l3&seed=1.5&n=0&beta=2&attack=fgsm&colour=red&model=../x');
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS, attack: 'fgsm' });
  assert.deepEqual(ignored, [
    'eps: ignored "-1" (must be a number >= 0)',
    'norm: ignored "l3" (must be linf|l2|l1)',
    'seed: ignored "1.5" (must be an integer >= 0)',
    'n: ignored "0" (must be an integer >= 1)',
    'beta: ignored "2" (must be a number in [0, 1])',
    'colour: unknown setting',
    'model: ignored "../x" (must be a model folder name)',
  ]);
  assert.deepEqual(parseSettings('eps=').settings, DEFAULT_SETTINGS, 'an empty value is not 0');
});

test('the eps slider is logarithmic over grey levels, with 0 at the left end', () => {
  assert.equal(epsOfPosition(0), 0);
  assert.equal(positionOfEps(0), 0);
  assert.ok(Math.abs(epsOfPosition(1) * 255 - MIN_LEVELS) < 1e-12);
  assert.ok(Math.abs(epsOfPosition(SLIDER_STEPS) * 255 - MAX_LEVELS) < 1e-9);
  // Equal slider steps are equal ratios of eps.
  const ratio = epsOfPosition(11) / epsOfPosition(10);
  assert.ok(Math.abs(epsOfPosition(101) / epsOfPosition(100) - ratio) < 1e-9);
  for (const eps of [0.001, 0.004, 0.008, 0.05, 1, 10]) {
    const back = epsOfPosition(positionOfEps(eps));
    assert.ok(Math.abs(back / eps - 1) < ratio - 1, `eps ${eps} -> position ${positionOfEps(eps)} -> ${back}`);
  }
  assert.equal(greyLevels(0.008), '2.04/255');
  assert.equal(greyLevels(1), '255/255');
  assert.equal(greyLevels(0), '0/255');
});
