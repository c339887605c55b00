// Every sandbox job kind, registered by importing its module. Add a line for a new kind.
import './replay-job.js';
import '../../search/search-job.js';
import '../../scenarios/scenario-job.js';
import '../../node-labs/node-jobs.js';
import '../../multi-roles/multi-scenario-job.js';
import '../../multi-roles/multi-search-job.js';
