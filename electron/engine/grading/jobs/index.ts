// Every sandbox job kind, registered by importing its module. Add a line for a new kind.
import './replay-job.js';
