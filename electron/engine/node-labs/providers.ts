// Every node-test provider, registered by importing its module (in the grading process and in the
// sandbox alike). A lab body that brings its own tests adds one line here (docs/grading.md, "Node labs").
import './node-tests.js';
import '../chapters/provider.js';
import '../service-tests/provider.js';
