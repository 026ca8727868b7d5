export { DenyList } from './deny-list.js';
export {
  type CreateRevocationServiceOptions,
  createRevocationService,
  type RevocationServiceWithStats,
} from './revocation-service.js';
