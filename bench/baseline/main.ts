import { main } from '../../runtime/src/start.js';
import { createBaselineEdges } from './edges.js';
import { handleBaselineInvocation } from './invocation.js';

/** The baseline runtime: the PLLDB runtime's init and loop around the original design's invocation. */
main({ strategy: 'baseline', createEdges: createBaselineEdges, handle: handleBaselineInvocation });
