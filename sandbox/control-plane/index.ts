export { ControlPlaneServer, type ControlPlaneOptions } from './control-plane-server.js';
export { IamService, type IamServiceOptions } from './iam.js';
export { CloudFormationService, type StackDefinition, type StackResource } from './cloudformation.js';
