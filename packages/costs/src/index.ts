export { CostsErrorCode } from './errors';
export { PRICE_TABLE } from './price-table';
export {
  PRICED_PROVIDERS,
  PRICE_UNITS,
  PriceTableSchema,
  priceTableFromValue,
  priceAges,
  assertPricesFresh,
  MAX_PRICE_AGE_DAYS,
} from './prices';
export type { PricedProvider, PriceUnit, Price, TieredPrice, ClassPrices, EgressPrices, ProviderPrices, PriceTable, PriceAge } from './prices';
export { storageClassesFor, isStorageClassSupported, assertStorageClass, providerPrices } from './storage-classes';
export { estimateCosts, mirrorCost } from './estimate';
export type { CostObject, MirrorUsage, CostInput, CostLine, ClassUsage, MirrorCost, ProviderCost, CostEstimate } from './estimate';
export { estimateSavings } from './scenarios';
export type { CostScenario, SavingsEstimate } from './scenarios';
export { costObjectsFromListing, monthlyTrafficFromRecords, mirrorUsageFrom } from './inputs';
export type { ListingObject, ManifestPackages, MonthlyTraffic } from './inputs';
export { costsReport, costsReportTables, costsReportMarkdown, formatUsd } from './report';
export type { CostsReport, CostsReportOptions, PackageStorage } from './report';
