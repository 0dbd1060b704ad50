/** Canonical columns the analyzer reads; every other column is carried but ignored. */
const CANONICAL_COLUMNS = [
  'date',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'amount',
  'pre_close',
  'adj_factor',
  'split',
  'stock_dividend',
  'dividend',
  'symbol',
  'is_st',
] as const;

export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly CanonicalColumn[] = ['date', 'open', 'high', 'low', 'close', 'volume'];

// Header aliases of the CSV layouts in the wild (English, the Chinese headers of akshare-style exports, the names
// terminal exports such as Wind's and Choice's use, 开盘价 or 成交金额, and vn.py's bar table, open_price), matched case-insensitively after trimming and
// after taking off a unit note (see UNIT_NOTE). Columns are matched by name, never by position: akshare orders them
// open, close, high, low.
const ALIASES: Readonly<Record<CanonicalColumn, readonly string[]>> = {
  date: ['date', 'trade_date', 'tradedate', 'datetime', 'timestamp', '日期', '交易日期'],
  open: ['open', 'open_price', '开盘', '开盘价'],
  high: ['high', 'high_price', '最高', '最高价'],
  low: ['low', 'low_price', '最低', '最低价'],
  close: ['close', 'close_price', '收盘', '收盘价'],
  volume: ['volume', 'vol', '成交量'],
  amount: ['amount', 'money', 'turnover', 'total_turnover', '成交额', '成交金额'],
  pre_close: ['pre_close', 'preclose', 'prev_close', '昨收', '前收盘价', '前收盘', '昨收盘'],
  adj_factor: ['adj_factor', 'factor'],
  // Declared corporate actions. A split ratio r means new price = old price / r (zipline csvdir `split`, Quandl WIKI
  // `split_ratio` in the table export and `Split Ratio` in one dataset's download, Alpha Vantage's adjusted daily
  // series `split_coefficient`, Tiingo's `splitFactor`, yfinance `Stock Splits`: 7 for Apple's 7-for-1 of 2014-06-09;
  // 0 and 1 mean none). tushare's dividend table gives `stk_div`, bonus shares per share, so its ratio is 1 + stk_div.
  // A dividend is cash per share going ex that day (csvdir `dividend`, Quandl `ex-dividend`, Alpha Vantage `dividend_amount`, Tiingo
  // `divCash`, tushare `cash_div_tax`, pre-tax as the exchange uses).
  split: [
    'split',
    'split_ratio',
    'split ratio',
    'split_coefficient',
    'splitfactor',
    'stock splits',
    'stock_splits',
    'splits',
  ],
  stock_dividend: ['stk_div'],
  dividend: [
    'dividend',
    'dividends',
    'ex-dividend',
    'ex_dividend',
    'dividend_amount',
    'divcash',
    'cash_div_tax',
    'cash_div',
  ],
  symbol: ['symbol', 'ts_code', 'code', '股票代码', '证券代码', '代码', 'ticker', 'order_book_id', 'instrument'],
  // A row's own ST status (baostock's `isST`, 1 or 0): that day's limit is the ST one. Without it, instruments.csv's.
  is_st: ['isst', 'is_st'],
};

const LOOKUP = new Map<string, CanonicalColumn>(
  CANONICAL_COLUMNS.flatMap((column) => ALIASES[column].map((alias) => [alias, column] as const)),
);

/** Index of each canonical column in the file, -1 when absent. */
export type ColumnIndexes = Record<CanonicalColumn, number>;

export interface HeaderColumns {
  readonly indexes: ColumnIndexes;
  readonly fieldCount: number;
  /** Required columns the header lacks (empty when usable). */
  readonly missing: readonly CanonicalColumn[];
  /** The units this vendor's header implies (see unitMultipliers); a manifest's declared units take precedence. */
  readonly impliedUnits: CsvVolumeAmountUnits;
  /**
   * The prices already carry the declared splits: yfinance's `Stock Splits` column comes with Yahoo's split-adjusted
   * prices, where zipline's `split` and Quandl's `split_ratio` come with raw ones.
   */
  readonly splitsInPrices: boolean;
  /**
   * The prices are adjusted and the factor turns them back into raw ones (raw = price ÷ factor, raw volume = volume ×
   * factor): a column named `factor`, as JoinQuant's get_price and qlib's CSV sources write it. tushare's `adj_factor`
   * comes with raw prices.
   */
  readonly pricesAdjusted: boolean;
  /**
   * yfinance's `download()` writes a three-line header, `Price,Close,High,…` over `Ticker,AAPL,…` and `Date,,…`, with
   * the dates in the first column: the two continuation lines to skip (see readHeaderBlock), else 0.
   */
  readonly continuationLines: number;
}

// Split columns of exports whose prices are already split-adjusted (yfinance).
const SPLIT_ADJUSTED_ALIASES: ReadonlySet<string> = new Set(['stock splits', 'stock_splits']);

export interface CsvVolumeAmountUnits {
  readonly volumeUnit: 'share' | 'lot';
  readonly amountUnit: 'yuan' | 'thousand_yuan' | 'ten_thousand_yuan';
}

// A unit written into a column's name, `成交量(股)` or `成交额（千元）`, as Chinese terminal exports do: the name is
// matched without it, and for volume and amount it is the file's own statement of the unit.
const UNIT_NOTE = /\s*[(（]\s*([^()（）]+?)\s*[)）]$/;
const VOLUME_NOTES: Readonly<Record<string, CsvVolumeAmountUnits['volumeUnit']>> = { 股: 'share', 手: 'lot' };
const AMOUNT_NOTES: Readonly<Record<string, CsvVolumeAmountUnits['amountUnit']>> = {
  元: 'yuan',
  千元: 'thousand_yuan',
  万元: 'ten_thousand_yuan',
};

export function resolveHeaderColumns(names: readonly string[]): HeaderColumns {
  const indexes = Object.fromEntries(CANONICAL_COLUMNS.map((column) => [column, -1])) as ColumnIndexes;
  const raw = new Set<string>();
  let splitAlias = '';
  let factorAlias = '';
  const unitNotes = new Map<number, string>();
  const keys = names.map((name, index) => {
    const key = name.trim().replace(/^"|"$/g, '').trim().toLowerCase();
    const note = LOOKUP.has(key) ? null : UNIT_NOTE.exec(key);
    if (note === null) return key;
    unitNotes.set(index, note[1]!);
    return key.slice(0, note.index);
  });
  keys.forEach((key, index) => {
    raw.add(key);
    const column = LOOKUP.get(key);
    // The first matching column wins, like a reader that takes the first occurrence of a duplicated header.
    if (column !== undefined && indexes[column] === -1) {
      indexes[column] = index;
      if (column === 'split') splitAlias = key;
      if (column === 'adj_factor') factorAlias = key;
    }
  });
  // pandas writes an unnamed index as a first column with an empty name: a price table indexed by date (JoinQuant's
  // get_price(...).to_csv()) has its dates there; under yfinance's `Price` header too (its index is named a line later).
  const first = keys.length > 1 ? keys[0] : null;
  const yfinanceDownload = first === 'price' && indexes.date === -1;
  if (indexes.date === -1 && (first === '' || yfinanceDownload)) indexes.date = 0;
  return {
    indexes,
    fieldCount: names.length,
    missing: REQUIRED_COLUMNS.filter((column) => indexes[column] === -1),
    impliedUnits: impliedUnits(raw, unitNotes.get(indexes.volume), unitNotes.get(indexes.amount)),
    splitsInPrices: SPLIT_ADJUSTED_ALIASES.has(splitAlias),
    pricesAdjusted: factorAlias === 'factor',
    continuationLines: yfinanceDownload ? 2 : 0,
  };
}

/**
 * Volume and amount units from the header: a unit note on the column's name (see UNIT_NOTE) when it has one, else by
 * vendor: tushare's `daily` (`ts_code` with `vol`) gives lots (手) and thousand yuan; akshare's `stock_zh_a_hist`
 * (Chinese headers, `成交量`) gives lots and yuan; anything else, shares and yuan (baostock, JoinQuant, zipline, Quandl,
 * and akshare's English-headed `stock_zh_a_daily`).
 */
function impliedUnits(
  names: ReadonlySet<string>,
  volumeNote: string | undefined,
  amountNote: string | undefined,
): CsvVolumeAmountUnits {
  const vendor = vendorUnits(names);
  return {
    volumeUnit: (volumeNote !== undefined ? VOLUME_NOTES[volumeNote] : undefined) ?? vendor.volumeUnit,
    amountUnit: (amountNote !== undefined ? AMOUNT_NOTES[amountNote] : undefined) ?? vendor.amountUnit,
  };
}

function vendorUnits(names: ReadonlySet<string>): CsvVolumeAmountUnits {
  if (names.has('ts_code') && names.has('vol')) return { volumeUnit: 'lot', amountUnit: 'thousand_yuan' };
  if (names.has('成交量')) return { volumeUnit: 'lot', amountUnit: 'yuan' };
  return { volumeUnit: 'share', amountUnit: 'yuan' };
}

const AMOUNT_MULTIPLIERS: Readonly<Record<CsvVolumeAmountUnits['amountUnit'], number>> = {
  yuan: 1,
  thousand_yuan: 1000,
  ten_thousand_yuan: 10_000,
};

/** Multipliers that turn a file's volume into shares and its amount into yuan: declared units first, else implied. */
export function unitMultipliers(
  header: HeaderColumns,
  declared: { readonly volumeUnit: 'share' | 'lot' | null; readonly amountUnit: 'yuan' | 'thousand_yuan' | null },
): { volumeMul: number; amountMul: number } {
  const volumeUnit = declared.volumeUnit ?? header.impliedUnits.volumeUnit;
  const amountUnit = declared.amountUnit ?? header.impliedUnits.amountUnit;
  return { volumeMul: volumeUnit === 'lot' ? 100 : 1, amountMul: AMOUNT_MULTIPLIERS[amountUnit] };
}
