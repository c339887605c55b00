// Every test kind gradeModule knows, registered by importing its module ('trace' first).
import '../trace-kind.js';
