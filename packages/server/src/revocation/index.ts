export {
  type CreateRevocationServiceOptions,
  createRevocationService,
  type RevocationServiceWithStats,
} from './revocation-service.js';
