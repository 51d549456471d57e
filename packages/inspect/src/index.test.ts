import * as api from './index';

test('the public surface is exactly this', () => {
  expect(Object.keys(api).sort()).toEqual(['InspectErrorCode', 'parseElf', 'readElfFile', 'setElfRunpath'].sort());
});
