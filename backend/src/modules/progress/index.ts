export { ProgressModule } from './progress.module';
export { ProgressService } from './progress.service';
export { HeartbeatBuffer } from './heartbeat-buffer';
