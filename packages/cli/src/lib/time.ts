// Human dates for NumericDate claims: core's wording (the console's token debugger uses it too).
export { describeDate, isoDate, relative, span } from '@tessera/core/rules';

export const nowSeconds = (): number => Date.now() / 1000;
