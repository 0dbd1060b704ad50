export type Board = 'sh_main' | 'sz_main' | 'chinext' | 'star' | 'bj' | 'other';

/**
 * Canonical A-share symbol `NNNNNN.SH|SZ|BJ` from the spellings vendors use (tushare `600000.SH`, qlib `SH600000`,
 * baostock `sh.600000`, JoinQuant `600000.XSHG`, Yahoo Finance (yfinance) `600000.SS`, vn.py `600000.SSE`,
 * myquant `SHSE.600000`, akshare bare `600000`, NetEase's CSV `'600000`, whose apostrophe keeps a spreadsheet from
 * dropping the leading zeros). Anything else is kept as written.
 */
export function canonicalizeSymbol(raw: string): string {
  const text = raw.trim().replace(/^'(?=\d{6}$)/, '');
  let match = /^(\d{6})\.(SH|SZ|BJ)$/i.exec(text);
  if (match) return `${match[1]}.${match[2]!.toUpperCase()}`;
  match = /^(SH|SZ|BJ)\.?(\d{6})$/i.exec(text);
  if (match) return `${match[2]}.${match[1]!.toUpperCase()}`;
  match = /^(\d{6})\.(XSHG|XSHE|SS|SSE|SZSE)$/i.exec(text);
  if (match) return `${match[1]}.${SHENZHEN.has(match[2]!.toUpperCase()) ? 'SZ' : 'SH'}`;
  match = /^(SHSE|SZSE|SSE)\.(\d{6})$/i.exec(text);
  if (match) return `${match[2]}.${SHENZHEN.has(match[1]!.toUpperCase()) ? 'SZ' : 'SH'}`;
  match = /^(\d{6})$/.exec(text);
  if (match) {
    const exchange = exchangeForCode(text);
    return exchange === null ? text : `${text}.${exchange}`;
  }
  return text;
}

// Exchange names that mean Shenzhen; the others these spellings use (XSHG, SS, SSE, SHSE) mean Shanghai. (`BSE` is
// left alone: it is also the Bombay Stock Exchange, whose codes have six digits too.)
const SHENZHEN: ReadonlySet<string> = new Set(['XSHE', 'SZSE']);

function exchangeForCode(code: string): 'SH' | 'SZ' | 'BJ' | null {
  if (code.startsWith('920') || code.startsWith('4') || code.startsWith('8')) return 'BJ';
  if (code.startsWith('6')) return 'SH';
  if (code.startsWith('0') || code.startsWith('3')) return 'SZ';
  return null;
}

/**
 * Board by exchange and code prefix (the board decides the daily price limit, see limitRules). A prefix names a board
 * only on its own exchange: `000001.SZ` is a Shenzhen main-board stock but `000001.SH` is the Shanghai Composite index
 * (qlib's `SH000300` is the CSI 300), and indexes, funds and B shares have no A-share limit. Everything that is not a
 * six-digit A-share stock code is `other`.
 */
export function boardForSymbol(symbol: string): Board {
  const match = /^(\d{6})\.(SH|SZ|BJ)$/.exec(symbol);
  if (!match) return 'other';
  const code = match[1]!;
  const exchange = match[2]!;
  const p3 = code.slice(0, 3);
  if (exchange === 'BJ' || code.startsWith('920') || code.startsWith('8') || code.startsWith('4')) return 'bj';
  if (exchange === 'SH') {
    if (p3 === '600' || p3 === '601' || p3 === '603' || p3 === '605') return 'sh_main';
    if (p3 === '688' || p3 === '689') return 'star';
    return 'other';
  }
  if (p3 === '000' || p3 === '001' || p3 === '002' || p3 === '003') return 'sz_main';
  if (p3 === '300' || p3 === '301') return 'chinext';
  return 'other';
}
