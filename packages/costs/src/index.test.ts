import * as api from './index';

describe('@potions/costs public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CostsErrorCode',
        'MAX_PRICE_AGE_DAYS',
        'PRICED_PROVIDERS',
        'PRICE_TABLE',
        'PRICE_UNITS',
        'PriceTableSchema',
        'assertPricesFresh',
        'assertStorageClass',
        'costObjectsFromListing',
        'costsReport',
        'costsReportMarkdown',
        'costsReportTables',
        'estimateCosts',
        'estimateSavings',
        'formatUsd',
        'isStorageClassSupported',
        'mirrorCost',
        'mirrorUsageFrom',
        'monthlyTrafficFromRecords',
        'priceAges',
        'priceTableFromValue',
        'providerPrices',
        'storageClassesFor',
      ].sort(),
    );
  });
});
