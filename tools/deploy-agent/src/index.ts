export { type Behaviour, DEFAULT_BEHAVIOUR, SimulatedApps } from './app-metrics.js';
export { Fleet, type LiveVersion, type TargetState } from './fleet.js';
export { Artifact, callbackIdFor, StepAction, StepCallback, StepRequest } from './protocol.js';
export { createDeployAgent, type DeployAgent, type DeployAgentOptions } from './server.js';
