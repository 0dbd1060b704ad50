import { app } from '@azure/functions';
import { serveDashboardAsset, serveDashboardPage } from '../http/handlers/dashboardHandlers';
import { withErrorHandling } from '../http/withErrorHandling';

// The page and its files need no token (they hold no data); every API call the page makes sends one.
app.http('dashboard', {
  methods: ['GET'],
  route: 'market-data/dashboard',
  authLevel: 'anonymous',
  handler: withErrorHandling(serveDashboardPage),
});

app.http('dashboardAsset', {
  methods: ['GET'],
  route: 'market-data/dashboard/assets/{name}',
  authLevel: 'anonymous',
  handler: withErrorHandling(serveDashboardAsset),
});
