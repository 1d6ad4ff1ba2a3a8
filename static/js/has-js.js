// Loaded in the head, before the page is drawn: the page knows scripts run, so the DSFR tabs may
// hide the panels that are not selected. Without it every panel stays visible, one after another.
document.documentElement.classList.add("fi-js");
