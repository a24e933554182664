function preresolve(dq) {
  return true;
}
}
