/**
 * @module Registry adapter: `ImageRegistry` over the OCI distribution API, credentials from a Docker config.json.
 */
export { createOciRegistryClient, type OciRegistryClientOptions, type RegistryEndpoint } from './oci-registry-client.ts';
