/** Every route of the README's API table that needs a token, with a harmless request for each. */
export function authenticatedEndpoints(taskId: string): Array<{ method: 'GET' | 'POST'; path: string; body?: string }> {
  const tasks = '/api/market-data/tasks';
  return [
    { method: 'POST', path: tasks, body: '{"task_type":"analyze"}' },
    { method: 'GET', path: tasks },
    { method: 'GET', path: `${tasks}/${taskId}` },
    { method: 'GET', path: `${tasks}/${taskId}/logs` },
    { method: 'POST', path: `${tasks}/${taskId}/retry` },
    { method: 'POST', path: `${tasks}/${taskId}/cancel` },
    { method: 'GET', path: '/api/market-data/bundle' },
    { method: 'GET', path: '/api/market-data/bundle/symbols' },
    { method: 'GET', path: '/api/market-data/bundle/days' },
    { method: 'GET', path: '/api/market-data/bundle/findings' },
    { method: 'GET', path: '/api/market-data/stage-durations' },
    { method: 'GET', path: '/api/market-data/events' },
  ];
}

/**
 * Task ids that are not task ids: traversal (plain, encoded, double-encoded, backslashes), unicode, control
 * characters, a bad escape, SQL, and an id 4,000 characters long. Each must be an unknown task, never a path.
 */
export const HOSTILE_IDS = [
  '..%2F..%2Fhealth',
  '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fmarket_data.sqlite3',
  '%252e%252e%252fetc%252fpasswd',
  '..%5C..%5Cmarket_data.sqlite3',
  '%E4%BB%BB%E5%8A%A1',
  '%F0%9F%92%A3',
  '%EF%BC%8E%EF%BC%8E%EF%BC%8F',
  '%00',
  '%0d%0aSet-Cookie:%20x=1',
  '%ZZ',
  "'%20OR%201=1--",
  'x'.repeat(4000),
];

/** Dashboard file names that must not escape the allow-list. */
export const HOSTILE_ASSET_NAMES = [
  '..%2F..%2Fpackage.json',
  '..%2F..%2F..%2Flocal.settings.json',
  '%2e%2e%2fdev-jwt-secret',
  '..%5C..%5Cpackage.json',
  'app.js%00.png',
  '%E4%BB%BB%E5%8A%A1.js',
  '%ZZ',
];

/**
 * Query strings that must be refused with 400 INVALID_REQUEST on the routes that list things: unknown parameters,
 * a parameter given twice, values outside the allowed set (unicode, traversal, SQL), numbers that are not.
 */
export const HOSTILE_QUERIES: Array<[route: string, query: string]> = [
  ['/api/market-data/tasks', 'foo=1'],
  ['/api/market-data/tasks', 'status=failed&status=success'],
  ['/api/market-data/tasks', 'limit=1&limit=200'],
  ['/api/market-data/tasks', 'status=%E6%88%90%E5%8A%9F'],
  ['/api/market-data/tasks', 'task_type=..%2F..%2Fetc'],
  ['/api/market-data/tasks', 'limit=1e3'],
  ['/api/market-data/tasks', 'limit=-1'],
  ['/api/market-data/tasks', 'limit=99999999999999999999'],
  ['/api/market-data/tasks', 'before=..%2F..%2Fetc%2Fpasswd'],
  ['/api/market-data/tasks', `before=${'%F0%9F%92%A3'.repeat(100)}`],
  ['/api/market-data/tasks', 'source=manual%00'],
  ['/api/market-data/tasks', '__proto__=1'],
  ['/api/market-data/bundle/symbols', 'sort=..%2F..%2Fetc'],
  ['/api/market-data/bundle/symbols', 'sort=symbol%3BDROP%20TABLE%20market_data_tasks'],
  ['/api/market-data/bundle/symbols', 'q=a&q=b'],
  ['/api/market-data/bundle/symbols', `q=${'x'.repeat(5000)}`],
  ['/api/market-data/bundle/symbols', 'offset=%EF%BC%91'],
  ['/api/market-data/bundle/findings', 'check=..%2F'],
  ['/api/market-data/bundle/findings', 'symbol=a&symbol=b'],
  ['/api/market-data/bundle/days', 'from=2020-01-01'],
  ['/api/market-data/bundle', 'format=qlib'],
  ['/api/market-data/stage-durations', 'window=1000'],
  ['/api/market-data/events', 'token=abc'],
];

/** Bodies for POST /tasks that are not what it accepts. */
export const MALFORMED_BODIES: Array<[what: string, body: string | Buffer]> = [
  ['truncated JSON', '{"task_type":"download"'],
  ['a missing value', '{"task_type":}'],
  ['single quotes', "{'task_type':'download'}"],
  ['a JSON array', '["download"]'],
  ['a JSON string', '"download"'],
  ['null', 'null'],
  ['a number too large for a double', '1e999'],
  ['only whitespace', ' \n\t '],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])],
  ['UTF-16 with a byte-order mark', Buffer.from('\ufeff{"task_type":"download"}', 'utf16le')],
  ['a NUL byte', '{"task_type":"download\u0000"}'],
  ['an unknown type', '{"task_type":"../../etc/passwd"}'],
  ['a unicode look-alike type', '{"task_type":"ｄownload"}'],
  ['a type in an array', '{"task_type":["download"]}'],
  ['force as a string', '{"task_type":"download","force":"true"}'],
  ['a prototype key', '{"task_type":"download","__proto__":{"force":true}}'],
  ['a constructor key', '{"task_type":"download","constructor":{"prototype":{"force":true}}}'],
  ['an extra field', '{"task_type":"download","priority":1}'],
  ['nesting 10,000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
  ['a body just over 64 KiB', `{"task_type":"download","pad":"${'x'.repeat(64 * 1024)}"}`],
];

/** Content types that are not JSON; a valid JSON body sent with one of them must not start a task. */
export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/html; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/jsonp',
  'image/png',
];
