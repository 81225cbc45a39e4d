import { Controller } from '@nestjs/common';
import { JobDiagnosticController } from '@cbdc/platform';
import { OpenEndpoint } from '../auth/api-key.guard';

/**
 * The shared diagnostic job route (`POST /v1/diagnostics/job`), open like /health: it changes no
 * ledger state (one row in diagnostic_job_runs), and writes to it are still audited.
 */
@OpenEndpoint()
@Controller('v1/diagnostics')
export class DiagnosticsController extends JobDiagnosticController {}
