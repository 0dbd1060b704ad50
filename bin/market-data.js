#!/usr/bin/env node
'use strict';
// `market-data analyze <bundle>` and `market-data make-bundle ...`: the compiled people's command line, built first
// only when a source changed since the last build.
require('./ensureBuilt').ensureBuilt();
require('../dist/scripts/cli.js');
