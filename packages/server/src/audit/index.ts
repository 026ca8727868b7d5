export { AUDIT_EVENTS, isAuditEvent } from './actions.js';
export { type AuditLogOptions, createAuditLog } from './audit-log.js';
