import { app } from '@azure/functions';
import { getAppServices } from '../appServices';
import { checkHealth } from '../http/handlers/healthHandler';

app.http('health', {
  methods: ['GET'],
  route: 'market-data/health',
  authLevel: 'anonymous',
  handler: (_request, context) => {
    const response = checkHealth(getAppServices, (message) => context.error(message));
    return { ...response, headers: { 'cache-control': 'no-store' } };
  },
});
