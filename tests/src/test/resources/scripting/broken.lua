function preresolve(dq)
  return true
end
end
