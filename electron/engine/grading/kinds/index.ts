// Every test kind gradeModule knows, registered by importing its module ('trace' first).
import '../trace-kind.js';
import '../../scenarios/scenario-kind.js';
import '../../search/search-kind.js';
import '../../node-labs/node-kind.js';
